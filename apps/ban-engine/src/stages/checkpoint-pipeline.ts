import type { TopicRecords } from '#warden/kafka';
import type { BatchOutcome } from './batch-outcome.js';

/** A batch a partition decided (its state already took it), waiting for its records to be sent and its checkpoint to commit. */
export interface DecidedBatch {
  readonly outcome: BatchOutcome;
  /** The span of the log it answers for. */
  readonly fromOffset: bigint;
  readonly nextOffset: bigint;
  /** Its subjects that hold nothing any more (already gone from memory). */
  readonly removed: ReadonlySet<string>;
  /** Chunks of remembered ids that fell out of the window when it was added. */
  readonly forgetAttemptsBefore: bigint | undefined;
  /** The partition's stream time after it. */
  readonly streamTime: number;
}

export interface CheckpointWriter {
  /** Sends a batch's records (the pipeline calls it in the log's order, one batch after the other). */
  publish(records: readonly TopicRecords[]): Promise<void>;
  /** Writes one checkpoint for these batches, in order; `expectedOffset` is the previous checkpoint's. */
  write(batches: readonly DecidedBatch[], expectedOffset: bigint | null): Promise<void>;
  /** The checkpoint of these batches committed. */
  checkpointed(batches: readonly DecidedBatch[]): void;
}

const NOTHING = (): void => undefined;

/**
 * What lets a stage partition decide its next batch while the last ones are made durable (DESIGN
 * §2): each decided batch's records are sent at once, after the previous batch's; its checkpoint
 * follows once those are sent and the previous checkpoint has committed. Batches decided while a
 * checkpoint is being written wait and go into the next one together, so the partition writes one
 * checkpoint after the other, never two at once, and at most as often as one takes.
 *
 * The first failure (a send or a checkpoint) ends the pipeline: what was not checkpointed is lost
 * with the partition's state, which the stage loads again from the last checkpoint.
 */
export class CheckpointPipeline {
  private sent: Promise<void> = Promise.resolve();
  private waiting: Array<{ batch: DecidedBatch; sent: Promise<void> }> = [];
  private writing: Promise<void> | undefined;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = NOTHING;
  /** Set by the first failure: nothing more is sent or checkpointed. */
  failure: unknown;

  constructor(
    private readonly writer: CheckpointWriter,
    /** The offset of the last checkpoint in the table (null: none yet), which the next one must find there. */
    private checkpointed: bigint | null,
    /** Called once, at the first failure, with the offset of the last checkpoint that committed. */
    private readonly failed: (error: unknown, lastCheckpoint: bigint | null) => void,
  ) {}

  /** Attempts decided but not checkpointed yet. */
  get backlog(): number {
    return this.waiting.reduce((sum, { batch }) => sum + batch.outcome.decidedCount, 0);
  }

  add(batch: DecidedBatch): void {
    if (this.failure !== undefined) return;
    const records = batch.outcome.topicRecords();
    const sent = this.sent.then(() => (records.length === 0 ? undefined : this.writer.publish(records)));
    sent.catch(NOTHING); // awaited by its checkpoint; a failure ends the pipeline there
    this.sent = sent;
    if (this.writing === undefined && this.waiting.length === 0) this.idle = new Promise((resolve) => (this.markIdle = resolve));
    this.waiting.push({ batch, sent });
    this.writeNext();
  }

  /** Resolves once every batch added so far is checkpointed, or the pipeline failed. */
  settled(): Promise<void> {
    return this.idle;
  }

  private writeNext(): void {
    if (this.writing !== undefined || this.failure !== undefined) return;
    const taken = this.waiting;
    if (taken.length === 0) {
      this.markIdle();
      return;
    }
    this.waiting = [];
    const batches = taken.map(({ batch }) => batch);
    this.writing = (async () => {
      // The records go out one batch after the other, so the last batch's being sent means all were.
      await taken.at(-1)!.sent;
      await this.writer.write(batches, this.checkpointed);
    })().then(
      () => {
        this.checkpointed = batches.at(-1)!.nextOffset;
        this.writing = undefined;
        this.writer.checkpointed(batches);
        this.writeNext();
      },
      (error: unknown) => {
        this.failure = error;
        this.writing = undefined;
        this.waiting = [];
        this.markIdle();
        this.failed(error, this.checkpointed);
      },
    );
  }
}
