import { Logger } from '@nestjs/common';
import type { TopicSpec } from '#warden/contracts';
import { ConsumerHealth, type ConsumerHealthReport } from './consumer-health.js';
import { rejectionRecords, sortBatch, type RawRecord } from './dead-letters.js';
import {
  MessageBus,
  type BatchSubscription,
  type Following,
  type Subscribed,
  type OutgoingRecord,
  type TopicFollower,
  type TopicRecords,
} from './message-bus.js';
import { BatchAbandonedError, handleWithBreaker } from './poison-pill-breaker.js';
import { CatchUp, deliverFollowed } from './topic-follower.js';

interface StoredRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  /** When it was appended (epoch ms), for the topic's retention. */
  readonly at: number;
}

class TopicLog {
  records: StoredRecord[] = [];
  nextOffset = 0;
  /** Committed offset (next to read) of each consumer group. */
  readonly committed = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(
    readonly compacted: boolean,
    /** The topic's `retention.ms`: older records go, read or not, as on Kafka (undefined: kept). */
    private readonly retentionMs: number | undefined,
  ) {}

  append(records: readonly OutgoingRecord[], at: number): void {
    for (const record of records) {
      const value = typeof record.value === 'string' ? Buffer.from(record.value) : record.value;
      this.records.push({ offset: this.nextOffset++, key: record.key, value, at });
    }
    this.dropExpired(at);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
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

  read(from: number, max: number): StoredRecord[] {
    // Offsets ascend (with gaps once compacted).
    const start = this.firstIndex((record) => record.offset >= from);
    return this.records.slice(start, start + max);
  }

  /** Followers commit nothing (the verdicts topic has only followers): without this it would grow forever. */
  private dropExpired(now: number): void {
    if (this.retentionMs === undefined || this.records.length === 0 || this.records[0]!.at >= now - this.retentionMs) return;
    const cutoff = now - this.retentionMs;
    this.records = this.records.slice(this.firstIndex((record) => record.at >= cutoff));
  }

  /** Binary search: the first record for which `reached` holds, where it holds for all after it too. */
  private firstIndex(reached: (record: StoredRecord) => boolean): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (reached(this.records[middle]!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  commit(groupId: string, next: number): void {
    this.committed.set(groupId, next);
    this.trim();
  }

  /**
   * Bounds memory as Kafka's retention and compaction would: a plain topic drops what every group
   * has read; a compacted one keeps the latest record of each key.
   */
  private trim(): void {
    if (this.compacted) {
      if (this.records.length < 1_024) return;
      const latest = new Map<string | null, number>();
      this.records.forEach((record, index) => latest.set(record.key, index));
      if (latest.size * 2 > this.records.length) return;
      this.records = this.records.filter((record, index) => record.key === null || latest.get(record.key) === index);
    } else if (this.committed.size > 0) {
      const low = Math.min(...this.committed.values());
      const keepFrom = this.records.findIndex((record) => record.offset >= low);
      this.records = keepFrom < 0 ? [] : this.records.slice(keepFrom);
    }
  }
}

/** Stored records as a consumer reads them (one partition: 0). */
function rawRecords(topic: string, batch: readonly StoredRecord[]): RawRecord[] {
  return batch.map((record) => ({ topic, partition: 0, offset: String(record.offset), key: record.key, value: record.value }));
}

const MAX_BATCH = 1_000;
const IDLE_WAIT_MS = 1_000;

/**
 * The embedded mode's stand-in for Kafka, behind the same {@link MessageBus} port: one ordered
 * log per topic, consumer groups with committed offsets, batches, redelivery after a failed
 * handler, and the same DLQ step. It lives in memory: records not yet handled are gone when the
 * process dies, which the embedded mode accepts (DESIGN §4: a first look, demos, development).
 */
export class InProcessMessageBus extends MessageBus {
  /** Its logs live in memory: after a restart every topic starts again at offset 0. */
  override get offsetsSurviveRestarts(): boolean {
    return false;
  }

  private readonly topics = new Map<string, TopicLog>();

  /** `now` is the clock of the topics' retention; `poisonTries` as `WARDEN_POISON_TRIES`. */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly poisonTries = 3,
  ) {
    super();
  }

  private readonly running = new Set<{ stopped: boolean; done: Promise<void> }>();
  private readonly subscriptions = new Set<ConsumerHealth>();
  private readonly logger = new Logger(InProcessMessageBus.name);

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = new TopicLog(false, undefined);
      this.topics.set(topic, log);
    }
    return log;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      const retention = spec.config['retention.ms'];
      if (!this.topics.has(spec.name)) {
        this.topics.set(spec.name, new TopicLog(spec.config['cleanup.policy'] === 'compact', retention === undefined ? undefined : Number(retention)));
      }
    }
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length > 0) this.log(topic).append(records, this.now());
  }

  async publishMany(batches: readonly TopicRecords[]): Promise<void> {
    for (const batch of batches) await this.publish(batch.topic, batch.records);
  }

  async subscribe<T>(subscription: BatchSubscription<T>): Promise<Subscribed> {
    const log = this.log(subscription.topic);
    const groupId = subscription.groupId;
    if (!log.committed.has(groupId)) log.committed.set(groupId, subscription.fromBeginning === false ? log.nextOffset : 0);
    const health = new ConsumerHealth(groupId, subscription.topic);
    health.running = true;
    this.subscriptions.add(health);
    const state = { stopped: false, done: Promise.resolve() };
    state.done = this.consume(log, subscription, state, health);
    this.running.add(state);
    return {
      health: () => health.report(),
      stop: async () => {
        state.stopped = true;
        this.running.delete(state);
        await state.done;
        health.running = false;
        this.subscriptions.delete(health);
      },
    };
  }

  consumerHealth(): ConsumerHealthReport[] {
    return [...this.subscriptions].map((health) => health.report());
  }

  /** As on Kafka: each batch through the poison-pill breaker, committed once its work and dead letters are done. */
  private async consume<T>(log: TopicLog, subscription: BatchSubscription<T>, state: { stopped: boolean }, health: ConsumerHealth): Promise<void> {
    const pause = async (ms: number): Promise<boolean> => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return !state.stopped;
    };
    while (!state.stopped) {
      const from = log.committed.get(subscription.groupId) ?? 0;
      this.metrics?.consumerLag(subscription.topic, 0, subscription.groupId, log.nextOffset - from);
      const batch = log.read(from, MAX_BATCH);
      if (batch.length === 0) {
        await log.waitForRecords(IDLE_WAIT_MS);
        continue;
      }
      health.began(0);
      try {
        const { decoded, raw, refused } = sortBatch(subscription.topic, rawRecords(subscription.topic, batch), subscription.decode);
        const failed = await handleWithBreaker(subscription.topic, decoded, raw, subscription.handle, {
          tries: this.poisonTries,
          logger: this.logger,
          pause,
        });
        await this.publishMany(rejectionRecords(subscription.topic, [...refused, ...failed]));
        if (refused.length + failed.length > 0) this.metrics?.deadLettered(subscription.topic, [...refused, ...failed].map((record) => record.reason));
        log.commit(subscription.groupId, batch[batch.length - 1]!.offset + 1);
      } catch (error) {
        if (!(error instanceof BatchAbandonedError)) throw error;
      } finally {
        health.ended(0);
      }
    }
  }

  async follow<T>(follower: TopicFollower<T>): Promise<Following> {
    const log = this.log(follower.topic);
    const end = log.nextOffset;
    const catchUp = new CatchUp(follower.from === 'end' ? [] : [{ partition: 0, start: 0n, end: BigInt(end) }]);
    const state = { stopped: false, done: Promise.resolve() };
    state.done = this.followLog(log, follower, follower.from === 'end' ? end : 0, catchUp, state);
    this.running.add(state);
    return {
      caughtUp: catchUp.done,
      stop: async () => {
        state.stopped = true;
        this.running.delete(state);
        await state.done;
      },
    };
  }

  private async followLog<T>(log: TopicLog, follower: TopicFollower<T>, from: number, catchUp: CatchUp, state: { stopped: boolean }): Promise<void> {
    let next = from;
    while (!state.stopped) {
      const batch = log.read(next, MAX_BATCH);
      if (batch.length === 0) {
        await log.waitForRecords(IDLE_WAIT_MS);
        continue;
      }
      const raw = rawRecords(follower.topic, batch);
      await deliverFollowed(follower, raw, this.logger);
      next = batch[batch.length - 1]!.offset + 1;
      catchUp.reached(0, BigInt(next));
      // Let the requests in between batches while a large topic is read.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async isHealthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    const running = [...this.running];
    running.forEach((state) => (state.stopped = true));
    this.running.clear();
    await Promise.all(running.map((state) => state.done));
  }
}
