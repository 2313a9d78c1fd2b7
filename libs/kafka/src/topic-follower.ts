import type { Logger } from '@nestjs/common';
import type { RawRecord } from './dead-letters.js';
import type { ConsumedRecord, TopicFollower } from './message-bus.js';

/**
 * Tracks a follower's progress towards the end offsets its topic had when following began;
 * `done` resolves once every partition has been read that far.
 */
export class CatchUp {
  readonly done: Promise<void>;
  private readonly behind: Map<number, bigint>;
  private resolve!: () => void;

  /** `ends`: for each partition, the offset after its last record at start (partitions with no record may be left out). */
  constructor(ends: ReadonlyArray<{ partition: number; start: bigint; end: bigint }>) {
    this.behind = new Map(ends.filter(({ start, end }) => end > start).map(({ partition, end }) => [partition, end]));
    this.done = new Promise((resolve) => (this.resolve = resolve));
    if (this.behind.size === 0) this.resolve();
  }

  /** Records that `partition` has been read up to (not including) `next`. */
  reached(partition: number, next: bigint): void {
    const end = this.behind.get(partition);
    if (end === undefined || next < end) return;
    this.behind.delete(partition);
    if (this.behind.size === 0) this.resolve();
  }
}

/** Decodes a followed batch; a record that cannot be read is skipped with a warning naming its position. */
export async function deliverFollowed<T>(follower: TopicFollower<T>, raw: readonly RawRecord[], logger: Logger): Promise<void> {
  const records: ConsumedRecord<T>[] = [];
  for (const record of raw) {
    try {
      if (record.value === null) throw new Error('the record has no value (tombstone)');
      records.push({ topic: follower.topic, partition: record.partition, offset: record.offset, key: record.key, value: follower.decode(record.value) });
    } catch (error) {
      logger.warn({ msg: 'skipped a record that could not be read', topic: follower.topic, partition: record.partition, offset: record.offset, err: String(error) });
    }
  }
  if (records.length === 0) return;
  try {
    await follower.handle(records);
  } catch (error) {
    logger.error({ msg: 'a follower failed on a batch; skipped', topic: follower.topic, err: error instanceof Error ? error.stack : String(error) });
  }
}
