import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { stagePolicy, type Policy, type StageName, type SubjectState } from '#warden/ban-policy';
import type { RoutedAdminCommand } from '#warden/contracts';
import { isConsumerHealthy, type BatchSpan, type ConsumedRecord, type Subscribed } from '#warden/kafka';
import { inTransaction, type Transaction } from '#warden/persistence';
import { adminCommandEffect } from './admin-command-effect.js';
import { banExpiry } from './ban-expiry.js';
import { BatchOutcome } from './batch-outcome.js';
import { CheckpointPipeline, type CheckpointWriter, type DecidedBatch } from './checkpoint-pipeline.js';
import { BAN_TOPICS } from './decide-run.js';
import { PartitionState } from './partition-state.js';
import { RecentAttempts, recentAttemptsChunk } from './recent-attempts.js';
import type { StageParts } from './stage-parts.js';

/** How often (wall clock) a partition's subjects are swept for states that hold nothing any more. */
const SWEEP_EVERY_MS = 60_000;

/** The topic a stage reads, its consumer group and how it reads a record. */
export interface StageInput<T> {
  readonly topic: string;
  readonly groupId: string;
  readonly decode: (value: Buffer) => T;
}

/** Partitions whose batches one engine decides at once, per stage: each has its own state, so they never wait for each other. */
const PARTITIONS_AT_ONCE = 2;

/** Attempts a partition may have decided but not checkpointed before its next batch waits for the checkpoint (bounds the memory a slow database costs). */
const MOST_UNCHECKPOINTED = 50_000;

/**
 * One stage of the engine over the partitions of its input topic that this process owns (DESIGN
 * §2). Each partition's subjects live in memory; a batch is decided against them into a
 * {@link BatchOutcome}, which the state takes at once, so the next batch is decided without
 * waiting. Its records are sent, and its checkpoint (the changed subjects, the decided ids, the
 * ban rows and the offset after it) written, by the partition's {@link CheckpointPipeline}; the
 * stage commits its input offset itself once the checkpoint has committed (`commitsItself`).
 *
 * A partition met for the first time, or whose records are not the ones this process expects
 * (another owner went on meanwhile, or a checkpoint failed), is loaded from its checkpoint;
 * records before the checkpoint's offset are skipped, and when the bus is past it (it read ahead
 * of a checkpoint that never committed) it is rewound to it. A crash between sending and
 * checkpointing is repaired by the next owner deciding the same records again from the same
 * state: the same decisions, with the same ids, keys and attempt ids, which every consumer
 * deduplicates. Each checkpoint must find the previous one in the table, so two processes that
 * both think they own a partition (during a rebalance) cannot both write: the second reloads and
 * decides again.
 */
/** What a stage makes of one record of its log: an admin command routed to it, an attempt to decide (with its event time), or nothing more (forwarded). */
export type StageItem<A> = { readonly command: RoutedAdminCommand } | { readonly attempt: A; readonly at: number } | undefined;

export abstract class StagePartitions<T, A> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly partitions = new Map<number, PartitionState>();
  private consumer?: Subscribed;
  protected readonly logger: Logger;
  /** The policy's rules of this stage's scopes. */
  protected readonly policy: Policy;
  /** The stage's name in the checkpoint tables, with the topics' prefix: two deployments on one database keep apart. */
  private readonly checkpointName: string;

  protected constructor(
    protected readonly stage: StageName,
    protected readonly parts: StageParts,
    private readonly input: StageInput<T>,
  ) {
    this.logger = new Logger(`${stage}-stage`);
    this.policy = stagePolicy(parts.config.policy, stage);
    this.checkpointName = `${parts.config.topicPrefix}${stage}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.parts.readiness.register(`${this.stage}-stage`, async () => isConsumerHealthy(this.consumer));
    this.consumer = await this.parts.bus.subscribe({
      ...this.input,
      concurrency: PARTITIONS_AT_ONCE,
      commitsItself: true,
      handle: (records, span) =>
        this.handlePartition(span, records).catch((error: unknown) => {
          this.parts.metrics.failed(this.stage);
          throw error;
        }),
    });
    this.logger.log({ msg: 'consuming', topic: this.input.topic, group: this.input.groupId });
  }

  /** Stops reading, then lets every partition's last checkpoint commit. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
    await Promise.all([...this.partitions.values()].map((state) => state.pipeline.settled()));
  }

  /** What a record is to this stage (it may publish into `outcome`, e.g. forward a misrouted record). */
  protected abstract itemOf(record: ConsumedRecord<T>, outcome: BatchOutcome): StageItem<A>;

  /** Decides a run of attempts, consecutive in the log, into `outcome`. */
  protected abstract decideAttempts(run: readonly A[], state: PartitionState, outcome: BatchOutcome): Promise<void>;

  /**
   * Decides a batch's records (all of one partition, in offset order, none decided before) into
   * `outcome`: attempts in runs, cut where an admin command comes or where an attempt's time passes
   * a ban's end, so that the command and the expiry take their place in the log's order.
   */
  private async decideBatch(records: ReadonlyArray<ConsumedRecord<T>>, state: PartitionState, outcome: BatchOutcome): Promise<void> {
    let run: A[] = [];
    const flush = async () => {
      if (run.length > 0) await this.decideAttempts(run, state, outcome);
      run = [];
    };
    for (const record of records) {
      const item = this.itemOf(record, outcome);
      if (item === undefined) continue;
      if ('command' in item) {
        await flush();
        this.applyAdminCommand(item.command, state, outcome);
        continue;
      }
      if (state.expiries.hasDue(Math.max(state.streamTime, item.at))) {
        await flush();
        this.expireDue(item.at, state, outcome);
      }
      run.push(item.attempt);
    }
    await flush();
  }

  /** Applies a manual ban or unban routed to this stage (once per command id) to the subject it owns. */
  private applyAdminCommand({ command }: RoutedAdminCommand, state: PartitionState, outcome: BatchOutcome): void {
    if (state.recent.has(command.id) || outcome.decided.has(command.id)) return;
    outcome.decided.set(command.id, null);
    this.expireDue(Date.parse(command.issuedAt), state, outcome);
    const effect = adminCommandEffect(command, state.stateOf(command.subject), this.parts.config.policy);
    state.subjects.load(command.subject, effect.state);
    outcome.recordAdminCommand(BAN_TOPICS, command.subject, effect);
    if (effect.state.ban !== undefined) state.expiries.push({ until: effect.state.ban.until, subject: command.subject });
  }

  /**
   * Moves the partition's stream time on to `time` (it never goes back) and announces the expiry
   * of every ban that ended by then and is still the subject's ban: called before each attempt or
   * command that would pass an end, so a ban's expiry takes its place in the log's order.
   */
  private expireDue(time: number, state: PartitionState, outcome: BatchOutcome): void {
    if (time > state.streamTime) state.streamTime = time;
    for (let due = state.expiries.popDue(state.streamTime); due !== undefined; due = state.expiries.popDue(state.streamTime)) {
      const current = state.stateOf(due.subject);
      const ban = current?.ban;
      // Escalated (a later end is queued) or lifted meanwhile: nothing ends here.
      if (current === undefined || ban === undefined || ban.until !== due.until) continue;
      const expiry = banExpiry(due.subject, current, ban);
      state.subjects.load(due.subject, expiry.state);
      outcome.recordExpiry(BAN_TOPICS, expiry);
    }
  }

  /** Subjects and remembered ids held in memory, over every partition (the bench reports them). */
  held(): { subjects: number; ids: number } {
    let subjects = 0;
    let ids = 0;
    for (const state of this.partitions.values()) {
      subjects += state.subjects.size;
      ids += state.recent.size;
    }
    return { subjects, ids };
  }

  /** The bus's batch handler: one partition's records of `span`, in offset order. */
  async handlePartition(span: BatchSpan, records: ReadonlyArray<ConsumedRecord<T>>): Promise<void> {
    const { partition } = span;
    const state = await this.stateFor(partition, span.fromOffset);
    if (state === undefined) return;
    if (span.nextOffset <= state.nextOffset) return;
    const fresh = records.filter((record) => BigInt(record.offset) >= state.nextOffset);
    const outcome = new BatchOutcome();
    try {
      await this.decideBatch(fresh, state, outcome);
      this.expireDue(state.streamTime, state, outcome);
    } catch (error) {
      // The batch changed the state as it went: the partition is loaded again from its checkpoint.
      this.drop(partition, state);
      throw error;
    }
    const removed = this.removable(state, outcome);
    for (const subject of removed) state.subjects.delete(subject);
    const batch: DecidedBatch = {
      outcome,
      fromOffset: state.nextOffset,
      nextOffset: span.nextOffset,
      removed,
      forgetAttemptsBefore: state.recent.add(state.nextOffset, outcome.decided),
      streamTime: state.streamTime,
    };
    state.nextOffset = span.nextOffset;
    state.pipeline.add(batch);
    // A database slower than the stream: read on only once what waits has been checkpointed.
    if (state.pipeline.backlog >= MOST_UNCHECKPOINTED) await state.pipeline.settled();
  }

  /** Forgets a partition's state (if it is still the one held): its next batch loads it from its checkpoint. */
  private drop(partition: number, state: PartitionState): void {
    if (this.partitions.get(partition) === state) this.partitions.delete(partition);
  }

  /**
   * The partition's state for a span that starts at `fromOffset`, or undefined when the bus is
   * rewound instead: it is past the state's next record, so records were read (and maybe decided)
   * after the last checkpoint by a state that was lost since.
   */
  private async stateFor(partition: number, fromOffset: bigint): Promise<PartitionState | undefined> {
    const held = this.partitions.get(partition);
    // At or before the expected record: this process's state is current (a redelivery skips what it decided).
    if (held !== undefined && fromOffset <= held.nextOffset) return held;
    if (held !== undefined) this.drop(partition, held);
    // A state dropped after a failure may still be writing its last checkpoints: load after them.
    await held?.pipeline.settled();
    const state = await this.load(partition, fromOffset);
    if (fromOffset <= state.nextOffset) return state;
    if (state.rewoundTo === state.nextOffset) {
      // Rewound once already and still past it: those records are gone from the log (retention).
      this.logger.warn({ msg: 'records after the checkpoint are no longer in the log; reading on from the first there is', partition, from: state.nextOffset.toString(), to: fromOffset.toString() });
      state.nextOffset = fromOffset;
      return state;
    }
    state.rewoundTo = state.nextOffset;
    this.logger.log({ msg: 'reading the partition again from its checkpoint', partition, from: state.nextOffset.toString(), wasAt: fromOffset.toString() });
    this.consumer?.rewind(partition, state.nextOffset);
    return undefined;
  }

  private async load(partition: number, fromOffset: bigint): Promise<PartitionState> {
    const loaded = await this.parts.checkpoints.load({ stage: this.checkpointName, partition });
    const start = loaded?.nextOffset ?? fromOffset;
    const pipeline = new CheckpointPipeline(this.checkpointWriter(partition), loaded?.nextOffset ?? null, (error, lastCheckpoint) => {
      this.parts.metrics.failed(this.stage);
      this.logger.warn({ msg: 'a checkpoint failed; the partition is read again from the last one', partition, err: String(error) });
      // What was decided after it is lost with the state: read again now, not when the next record comes.
      this.drop(partition, state);
      this.consumer?.rewind(partition, lastCheckpoint ?? start);
    });
    const state = new PartitionState(this.policy, start, pipeline);
    if (loaded !== undefined) {
      state.streamTime = loaded.streamTime;
      for (const { subject, state: subjectState } of loaded.states) {
        const held = subjectState as SubjectState;
        state.subjects.load(subject, held);
        // Bans that ended by the checkpoint's stream time were announced then.
        if (held.ban !== undefined && held.ban.until > state.streamTime) state.expiries.push({ until: held.ban.until, subject });
      }
      state.recent = RecentAttempts.load(loaded.recentAttempts);
    }
    this.logger.log({ msg: 'partition loaded', partition, from: state.nextOffset.toString(), subjects: state.subjects.size, ids: state.recent.size });
    this.partitions.set(partition, state);
    return state;
  }

  /** Subjects that hold nothing the policy needs at the partition's stream time: the changed ones, and all of them once a minute. */
  private removable(state: PartitionState, outcome: BatchOutcome): Set<string> {
    const at = state.streamTime;
    const removed = new Set<string>();
    for (const subject of outcome.changed.keys()) if (state.subjects.prunableAfter(subject) <= at) removed.add(subject);
    if (Date.now() - state.lastSweep >= SWEEP_EVERY_MS) {
      state.lastSweep = Date.now();
      for (const subject of state.subjects.subjects()) if (!outcome.changed.has(subject) && state.subjects.prunableAfter(subject) <= at) removed.add(subject);
    }
    return removed;
  }

  /** How a partition's pipeline sends and checkpoints its batches. */
  private checkpointWriter(partition: number): CheckpointWriter {
    const { database, bus, metrics } = this.parts;
    return {
      publish: (records) => bus.publishMany(records),
      write: (batches, expectedOffset) => inTransaction(database, (tx) => this.writeCheckpoint(tx, partition, batches, expectedOffset)),
      checkpointed: (batches) => {
        for (const { outcome } of batches) metrics.checkpointed(this.stage, partition, outcome);
        this.consumer?.commit(partition, batches.at(-1)!.nextOffset);
      },
    };
  }

  /** One checkpoint for batches decided one after the other: the last state of each subject, each batch's ids and ban rows in order. */
  private async writeCheckpoint(tx: Transaction, partition: number, batches: readonly DecidedBatch[], expectedOffset: bigint | null): Promise<void> {
    const { checkpoints, bans } = this.parts;
    const changed = new Map<string, unknown>();
    const removed = new Set<string>();
    let forgetAttemptsBefore: bigint | undefined;
    for (const batch of batches) {
      for (const [subject, state] of batch.outcome.changed) {
        if (batch.removed.has(subject)) continue;
        changed.set(subject, state);
        removed.delete(subject);
      }
      for (const subject of batch.removed) {
        removed.add(subject);
        changed.delete(subject);
      }
      forgetAttemptsBefore = batch.forgetAttemptsBefore ?? forgetAttemptsBefore;
    }
    const last = batches.at(-1)!;
    await checkpoints.save(tx, { stage: this.checkpointName, partition }, {
      expectedOffset,
      nextOffset: last.nextOffset,
      streamTime: last.streamTime,
      changed: [...changed].map(([subject, state]) => ({ subject, state })),
      removed: [...removed],
      recentAttempts: batches.map((batch) => recentAttemptsChunk(batch.fromOffset, batch.outcome.decided)),
      ...(forgetAttemptsBefore === undefined ? {} : { forgetAttemptsBefore }),
    });
    for (const { outcome } of batches) {
      await bans.save(tx, outcome.banRows);
      await bans.saveEvents(tx, outcome.banEvents);
      for (const { subject, at } of outcome.lifts) await bans.lift(tx, [subject], at);
      await bans.markExpired(tx, outcome.expired);
    }
  }
}
