import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer as KafkaConsumer, type LogEntry, type Producer } from 'kafkajs';
import type { TopicSpec } from '#warden/contracts';
import { sortBatch } from './dead-letters.js';
import {
  MessageBus,
  type BatchSubscription,
  type Consumer,
  type Following,
  type OutgoingRecord,
  type TopicFollower,
  type TopicRecords,
} from './message-bus.js';
import { CatchUp, deliverFollowed } from './topic-follower.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly partitions: number;
}

const KAFKA_LOG_LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns at every start when an idempotent producer's retries are bounded. They are bounded
 * on purpose: a publish that cannot succeed must fail (HTTP 503, batch redelivered) rather than hang,
 * and a resend after that is harmless because every attempt carries its idempotency id.
 */
const EXPECTED_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** Sends kafkajs' own log lines through Nest's logger, so they come out as structured JSON too. */
function kafkaLogCreator() {
  const logger = new Logger('kafkajs');
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (message === EXPECTED_WARNING) return;
      logger[KAFKA_LOG_LEVELS[level] ?? 'log']({ msg: message, ...extra });
    };
}

/**
 * The Kafka implementation of {@link MessageBus}, on kafkajs directly (Nest's Kafka transport
 * cannot consume in batches). One idempotent producer with acks from all in-sync replicas; one
 * kafkajs consumer per subscription.
 */
export class KafkaMessageBus extends MessageBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<KafkaConsumer>();
  private readonly logger = new Logger(KafkaMessageBus.name);
  private connected?: Promise<void>;

  constructor(private readonly options: KafkaBusOptions) {
    super();
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(),
      retry: { retries: 8 },
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's partitioner: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(() => undefined);
    return this.connected;
  }

  private name(topic: string): string {
    return `${this.options.topicPrefix}${topic}`;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    await this.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(this.name(spec.name)));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: this.name(spec.name),
        numPartitions: this.options.partitions,
        configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
      })),
    });
    this.logger.log({ msg: 'created topics', topics: missing.map((spec) => this.name(spec.name)) });
  }

  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    return this.publishMany([{ topic, records }]);
  }

  async publishMany(batches: readonly TopicRecords[]): Promise<void> {
    const topicMessages = batches
      .filter((batch) => batch.records.length > 0)
      .map((batch) => ({
        topic: this.name(batch.topic),
        messages: batch.records.map((record) => ({ key: record.key, value: record.value })),
      }));
    if (topicMessages.length === 0) return;
    await this.connect();
    await this.producer.sendBatch({ acks: -1, topicMessages });
  }

  async subscribe<T>(subscription: BatchSubscription<T>): Promise<Consumer> {
    await this.connect();
    const consumer = this.kafka.consumer({
      groupId: `${this.options.topicPrefix}${subscription.groupId}`,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: this.name(subscription.topic), fromBeginning: subscription.fromBeginning ?? true });
    await consumer.run({
      // Offsets are resolved by hand, and only after the handler's work is durable.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: subscription.concurrency ?? 1,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        this.metrics?.consumerLag(subscription.topic, batch.partition, subscription.groupId, Number(batch.offsetLagLow()) + 1);
        const { decoded, rejections, reasons } = sortBatch(
          subscription.topic,
          batch.messages.map((message) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value,
          })),
          subscription.decode,
        );
        if (rejections.length > 0) {
          await this.publishMany(rejections);
          this.metrics?.deadLettered(subscription.topic, reasons);
          this.logger.warn({ msg: 'records sent to the DLQ', topic: batch.topic, count: rejections[0]!.records.length });
        }
        if (decoded.length > 0) await subscription.handle(decoded);
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
        this.metrics?.consumerLag(subscription.topic, batch.partition, subscription.groupId, Number(batch.offsetLag()));
        await heartbeat();
      },
    });
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /**
   * kafkajs reads only through a consumer group: each follower gets a group of its own, with one
   * member (so every partition) that never commits. The end offsets are fetched before it joins;
   * `from: 'end'` seeks to them, so nothing published after `follow` resolves is missed.
   */
  async follow<T>(follower: TopicFollower<T>): Promise<Following> {
    await this.connect();
    const topic = this.name(follower.topic);
    const offsets = await this.endOffsets(topic);
    const catchUp = new CatchUp(
      follower.from === 'end' ? [] : offsets.map((entry) => ({ partition: entry.partition, start: BigInt(entry.low), end: BigInt(entry.high) })),
    );
    const consumer = this.kafka.consumer({
      groupId: `${this.options.topicPrefix}warden-follow.${follower.topic}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 500,
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: follower.from === 'beginning' });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const raw = batch.messages.map((message) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
        }));
        await deliverFollowed(follower, raw, this.logger);
        catchUp.reached(batch.partition, BigInt(batch.lastOffset()) + 1n);
        await heartbeat();
      },
    });
    if (follower.from === 'end') {
      for (const entry of offsets) consumer.seek({ topic, partition: entry.partition, offset: entry.high });
    }
    return {
      caughtUp: catchUp.done,
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /**
   * A topic created a moment ago may still be electing its leaders: kafkajs then fails with "not
   * the leader for that topic-partition" instead of retrying. Retry for a few seconds.
   */
  private async endOffsets(topic: string): ReturnType<Admin['fetchTopicOffsets']> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.admin.fetchTopicOffsets(topic);
      } catch (error) {
        const retriable = error instanceof Error && 'retriable' in error && error.retriable === true;
        if (!retriable || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.connect();
      const cluster = await this.admin.describeCluster();
      return cluster.brokers.length > 0;
    } catch {
      return false;
    }
  }

  /** Stops the consumers first (each finishes its batch), then the producer. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = undefined;
  }
}
