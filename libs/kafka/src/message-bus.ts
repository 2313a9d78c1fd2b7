import type { BusMetrics } from './bus-metrics.js';
import type { TopicSpec } from '#warden/contracts';
import type { ConsumerHealthReport } from './consumer-health.js';

export interface OutgoingRecord {
  /** Decides the partition: records of one key keep their order. */
  readonly key: string | null;
  readonly value: string | Buffer;
}

export interface TopicRecords {
  /** The topic's name without the prefix. */
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
}

export interface ConsumedRecord<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
}

export interface BatchSubscription<T> {
  /** The topic's name without the prefix; the bus adds it. */
  readonly topic: string;
  readonly groupId: string;
  /** Reads a record's value; a throw sends the record to the DLQ and the batch goes on. */
  readonly decode: (value: Buffer) => T;
  /**
   * Does the batch's work. Offsets are committed only once this resolves; when it throws, the
   * batch is tried again (at-least-once), so the work must be idempotent. A batch that keeps
   * failing on its records is split to find the record at fault, which goes to the DLQ
   * (see `handleWithBreaker`); an infrastructure failure is waited out.
   */
  readonly handle: (records: ReadonlyArray<ConsumedRecord<T>>) => Promise<void>;
  /** Read the topic from its start when the group has no committed offset (default true). */
  readonly fromBeginning?: boolean;
  /** How many partitions' batches may be handled at once (default 1); each partition stays in order. */
  readonly concurrency?: number;
}

export interface Consumer {
  stop(): Promise<void>;
}

export interface Subscribed extends Consumer {
  /** Whether it runs and which partitions have stalled, for readiness and metrics. */
  health(): ConsumerHealthReport;
}

/**
 * A reader of a whole topic for one process, outside any consumer group's sharing: it sees every
 * partition and commits nothing (an in-memory view, a waiter on verdicts). Each instance of an
 * app that follows a topic gets every record.
 */
export interface TopicFollower<T> {
  /** The topic's name without the prefix; the bus adds it. */
  readonly topic: string;
  /** `beginning`: every record the topic still holds, then new ones; `end`: only records published after `follow` resolves. */
  readonly from: 'beginning' | 'end';
  /** Reads a record's value; a throw skips the record with a warning (a follower writes nowhere, not even to the DLQ). */
  readonly decode: (value: Buffer) => T;
  /** Takes each batch in offset order per partition. A throw is logged and the batch is skipped. */
  readonly handle: (records: ReadonlyArray<ConsumedRecord<T>>) => void | Promise<void>;
}

export interface Following extends Consumer {
  /** Resolves once every record up to the end offsets the topic had when `follow` began has been handled. */
  readonly caughtUp: Promise<void>;
}

/**
 * The port between Warden and its log of events: Kafka in the distributed mode, an in-process
 * stand-in in the embedded one. Both keep the same contract: per-key order, batches, commit only
 * after the handler's work is durable, and a DLQ for what cannot be read or keeps failing.
 */
export abstract class MessageBus {
  /** Where the bus counts its DLQ records and consumer lag; none until {@link instrument}. */
  protected metrics?: BusMetrics;

  instrument(metrics: BusMetrics): void {
    this.metrics = metrics;
  }

  abstract ensureTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Resolves once every record is acknowledged by all in-sync replicas. */
  abstract publish(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  /**
   * Several topics in one request: what a batch decided goes out together. Publishes of one
   * `lane` keep their order; different lanes go out side by side (on Kafka each lane has its own
   * idempotent producer, which sends one request at a time), so a stage never waits behind
   * another's publish. Without a lane, the process's shared one.
   */
  abstract publishMany(batches: readonly TopicRecords[], lane?: string): Promise<void>;
  abstract subscribe<T>(subscription: BatchSubscription<T>): Promise<Subscribed>;
  /** The health of every subscription of this process. */
  abstract consumerHealth(): ConsumerHealthReport[];
  /** Follows a whole topic in this process (see {@link TopicFollower}); resolves once reading has begun. */
  abstract follow<T>(follower: TopicFollower<T>): Promise<Following>;
  /** True when the bus answers a real request (readiness). */
  abstract isHealthy(): Promise<boolean>;
  abstract close(): Promise<void>;
}
