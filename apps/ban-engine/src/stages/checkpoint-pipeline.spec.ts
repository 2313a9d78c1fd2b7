import { BatchOutcome } from './batch-outcome.js';
import { CheckpointPipeline, type CheckpointWriter, type DecidedBatch } from './checkpoint-pipeline.js';

/** A batch of `count` decided attempts over [from, next), with one record to send named after it. */
function batchOf(from: number, next: number, count = 1): DecidedBatch {
  const outcome = new BatchOutcome();
  outcome.decidedCount = count;
  outcome.publish('t', { key: null, value: `${from}-${next}` });
  return { outcome, fromOffset: BigInt(from), nextOffset: BigInt(next), removed: new Set(), forgetAttemptsBefore: undefined, streamTime: next };
}

/** A writer whose sends and writes each wait until the test lets them go, in the order they came. */
class HeldWriter implements CheckpointWriter {
  readonly sent: string[] = [];
  readonly writes: Array<{ spans: string[]; expected: bigint | null }> = [];
  readonly done: string[][] = [];
  private readonly releases: Array<() => void> = [];
  writing = 0;
  mostWritingAtOnce = 0;
  failNextWrite: Error | undefined;

  async publish(records: Parameters<CheckpointWriter['publish']>[0]): Promise<void> {
    this.sent.push(...records.flatMap((topic) => topic.records.map((record) => String(record.value))));
  }

  async write(batches: readonly DecidedBatch[], expected: bigint | null): Promise<void> {
    this.writing++;
    this.mostWritingAtOnce = Math.max(this.mostWritingAtOnce, this.writing);
    this.writes.push({ spans: batches.map((batch) => `${batch.fromOffset}-${batch.nextOffset}`), expected });
    await new Promise<void>((resolve) => this.releases.push(resolve));
    this.writing--;
    const failure = this.failNextWrite;
    this.failNextWrite = undefined;
    if (failure) throw failure;
  }

  checkpointed(batches: readonly DecidedBatch[]): void {
    this.done.push(batches.map((batch) => `${batch.fromOffset}-${batch.nextOffset}`));
  }

  /** Lets the oldest write that waits finish, once it has begun. */
  async release(): Promise<void> {
    for (let turns = 0; this.releases.length === 0; turns++) {
      if (turns > 100) throw new Error('no write began');
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a stage partition’s checkpoint pipeline', () => {
  it('writes one checkpoint at a time, merging the batches decided meanwhile, each expecting the one before', async () => {
    const writer = new HeldWriter();
    const pipeline = new CheckpointPipeline(writer, 0n, () => {
      throw new Error('no failure expected');
    });
    pipeline.add(batchOf(0, 10));
    await new Promise((resolve) => setImmediate(resolve));
    pipeline.add(batchOf(10, 20, 5));
    pipeline.add(batchOf(20, 25, 7));
    expect(pipeline.backlog).toBe(12);
    await writer.release();
    await writer.release();
    await pipeline.settled();
    expect(writer.writes).toEqual([
      { spans: ['0-10'], expected: 0n },
      { spans: ['10-20', '20-25'], expected: 10n },
    ]);
    expect(writer.done).toEqual([['0-10'], ['10-20', '20-25']]);
    expect(writer.mostWritingAtOnce).toBe(1);
    // Every batch's records were sent, in the log's order.
    expect(writer.sent).toEqual(['0-10', '10-20', '20-25']);
    expect(pipeline.backlog).toBe(0);
  });

  it('stops at its first failure: reports it once with the last checkpoint that committed, and takes no more batches', async () => {
    const writer = new HeldWriter();
    const failures: Array<[string, bigint | null]> = [];
    const pipeline = new CheckpointPipeline(writer, null, (error, last) => failures.push([(error as Error).message, last]));
    pipeline.add(batchOf(0, 10));
    await writer.release();
    pipeline.add(batchOf(10, 20));
    writer.failNextWrite = new Error('connection lost');
    pipeline.add(batchOf(20, 30));
    await writer.release();
    await pipeline.settled();
    expect(failures).toEqual([['connection lost', 10n]]);
    pipeline.add(batchOf(30, 40));
    await new Promise((resolve) => setImmediate(resolve));
    // 20–30 waited for the failed checkpoint and went with it; 30–40 came after.
    expect(writer.writes.map((write) => write.spans)).toEqual([['0-10'], ['10-20']]);
    expect(writer.done).toEqual([['0-10']]);
    expect(pipeline.failure).toBeInstanceOf(Error);
  });

  it('never writes a checkpoint whose records could not be sent', async () => {
    const writer = new HeldWriter();
    writer.publish = async () => Promise.reject(new Error('broker down'));
    const failures: string[] = [];
    const pipeline = new CheckpointPipeline(writer, null, (error) => failures.push((error as Error).message));
    pipeline.add(batchOf(0, 10));
    await pipeline.settled();
    expect(failures).toEqual(['broker down']);
    expect(writer.writes).toEqual([]);
  });
});
