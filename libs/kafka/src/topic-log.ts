import type { Logger } from '@nestjs/common';
import type { LogRecord } from './log-record-codec.js';
import { LogSegments } from './log-segments.js';
import type { OutgoingRecord } from './message-bus.js';

export interface TopicLogOptions {
  readonly directory: string;
  readonly compacted: boolean;
  /** The topic's `retention.ms`: older records go, read or not, as on Kafka (undefined: kept). */
  readonly retentionMs: number | undefined;
  /** Committed offset (next to read) of each consumer group, as kept beside the logs. */
  readonly committed: ReadonlyMap<string, number>;
  readonly segmentBytes: number;
  readonly now: () => number;
  readonly logger: Logger;
}

interface PendingAppend {
  readonly records: readonly OutgoingRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A compacted topic is rewritten once it holds this many records, at least half of them superseded. */
const COMPACTION_MIN_RECORDS = 1_024;

/**
 * One topic of the in-process bus: its records in memory for reading, and in its log files on
 * disk (`LogSegments`) for surviving the process. Appends are group-committed: whatever is
 * published while one write is being synced goes out together in the next write, with one sync,
 * and a publish resolves once its records are on disk. Records become readable only then, so no
 * reader ever sees, or hands out the offset of, a record a crash could take back.
 */
export class TopicLog {
  records: LogRecord[];
  nextOffset: number;
  /** Committed offset (next to read) of each consumer group. */
  readonly committed: Map<string, number>;
  private waiters: Array<() => void> = [];
  private queue: PendingAppend[] = [];
  private draining: Promise<void> | undefined;
  private cleanupDue = false;
  private closed = false;
  /** A compacted topic is looked at again once it holds this many records: a doubling, so the scans cost O(1) per record. */
  private compactAt = COMPACTION_MIN_RECORDS;
  /** Disk writes so far, each one sync: how many publishes share one shows in the bench. */
  writes = 0;

  private constructor(
    private readonly segments: LogSegments,
    loaded: { records: LogRecord[]; nextOffset: number },
    private readonly options: TopicLogOptions,
  ) {
    this.records = loaded.records;
    this.nextOffset = loaded.nextOffset;
    this.committed = new Map(options.committed);
  }

  static async open(options: TopicLogOptions): Promise<TopicLog> {
    const opened = await LogSegments.open(options.directory, options.segmentBytes, options.logger);
    const log = new TopicLog(opened.segments, opened, options);
    log.dropExpired(options.now());
    log.trim();
    log.requestCleanup();
    return log;
  }

  get compacted(): boolean {
    return this.options.compacted;
  }

  /** Why the log takes no more writes (a disk that failed), or undefined while it does. */
  get failure(): Error | undefined {
    return this.segments.failure;
  }

  /** Resolves once the records are on disk and readable. */
  append(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the log of ${this.options.directory} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.drainSoon();
    });
  }

  private drainSoon(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0 || this.cleanupDue) this.drainSoon();
    });
  }

  /** One write at a time: appends that arrive meanwhile wait, and go together in the next. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.cleanupDue) {
      if (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        await this.write(group);
      } else {
        this.cleanupDue = false;
        await this.cleanUp().catch((error: unknown) => this.options.logger.error({ msg: 'could not clean up a log', log: this.options.directory, err: String(error) }));
      }
    }
  }

  private async write(group: readonly PendingAppend[]): Promise<void> {
    const at = this.options.now();
    const written: LogRecord[] = [];
    let offset = this.nextOffset;
    for (const pending of group) {
      for (const record of pending.records) {
        written.push({ offset: offset++, key: record.key, value: typeof record.value === 'string' ? Buffer.from(record.value) : record.value, at });
      }
    }
    try {
      await this.segments.append(written);
      this.writes++;
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    this.nextOffset = offset;
    for (const record of written) this.records.push(record);
    this.dropExpired(at);
    if (this.compacted) this.requestCleanup();
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
    for (const pending of group) pending.resolve();
  }

  /** Resolves when a record is appended, or after `ms`. */
  waitForRecords(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  read(from: number, max: number): LogRecord[] {
    // Offsets ascend (with gaps once compacted).
    const start = this.firstIndex((record) => record.offset >= from);
    return this.records.slice(start, start + max);
  }

  /** Followers commit nothing (the verdicts topic has only followers): without this it would grow forever. */
  private dropExpired(now: number): void {
    const retentionMs = this.options.retentionMs;
    if (retentionMs === undefined || this.records.length === 0 || this.records[0]!.at >= now - retentionMs) return;
    const cutoff = now - retentionMs;
    this.records = this.records.slice(this.firstIndex((record) => record.at >= cutoff));
    this.requestCleanup();
  }

  /** Binary search: the first record for which `reached` holds, where it holds for all after it too. */
  private firstIndex(reached: (record: LogRecord) => boolean): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (reached(this.records[middle]!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Records a group's committed offset (already kept on disk by the caller). */
  commit(groupId: string, next: number): void {
    this.committed.set(groupId, next);
    this.trim();
  }

  /**
   * Bounds memory as Kafka's retention would: a plain topic drops what every group has read (its
   * files follow, a whole segment at a time). A compacted one is compacted after appends instead.
   */
  private trim(): void {
    if (this.compacted || this.committed.size === 0) return;
    const low = Math.min(...this.committed.values());
    if (this.records.length === 0 || this.records[0]!.offset >= low) return;
    this.records = this.records.slice(this.firstIndex((record) => record.offset >= low));
    this.requestCleanup();
  }

  private requestCleanup(): void {
    this.cleanupDue = true;
    if (!this.closed) this.drainSoon();
  }

  /**
   * A compacted topic keeps the latest record of each key: once half of it is superseded, memory
   * and file are rewritten with only those. A plain topic's segments go once memory dropped them.
   */
  private async cleanUp(): Promise<void> {
    if (!this.compacted) return this.segments.deleteBefore(this.records[0]?.offset ?? this.nextOffset);
    if (this.records.length < this.compactAt) return;
    const latest = new Map<string | null, number>();
    this.records.forEach((record, index) => latest.set(record.key, index));
    if (latest.size * 2 > this.records.length) {
      this.compactAt = 2 * this.records.length;
      return;
    }
    const kept = this.records.filter((record, index) => record.key === null || latest.get(record.key) === index);
    await this.segments.replaceWith(kept, this.nextOffset);
    this.records = kept;
    this.compactAt = Math.max(COMPACTION_MIN_RECORDS, 2 * kept.length);
  }

  /** Waits for the writes under way (later appends are refused), then closes the files. */
  async close(): Promise<void> {
    this.closed = true;
    this.cleanupDue = false;
    while (this.draining) await this.draining;
    await this.segments.close();
  }
}
