import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer as KafkaConsumer, type LogEntry, type Producer } from 'kafkajs';
import type { TopicSpec } from '#warden/contracts';
import { ConsumerHealth, type ConsumerHealthReport } from './consumer-health.js';
import { errorText, rejectionRecords, sortBatch } from './dead-letters.js';
import { kafkaLogLevel } from './kafka-log-level.js';
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

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly partitions: number;
  /** Tries before a failing record is dead-lettered (`WARDEN_POISON_TRIES`, default 3). */
  readonly poisonTries?: number;
  /** A consumer group member silent this long loses its partitions (`WARDEN_KAFKA_SESSION_TIMEOUT_MS`, kafkajs' default 30 s). */
  readonly sessionTimeoutMs?: number;
}

/** The most one produce request carries (see publishMany). */
const MAX_REQUEST_BYTES = 512 * 1024;

const FIRST_RESTART_DELAY_MS = 1_000;
const LONGEST_RESTART_DELAY_MS = 30_000;

/** Sends kafkajs' own log lines through Nest's logger, so they come out as structured JSON too (at the level `kafkaLogLevel` gives). */
function kafkaLogCreator() {
  const logger = new Logger('kafkajs');
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const at = kafkaLogLevel(level, log);
      if (at !== null) logger[at]({ msg: message, ...extra });
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
  /** Producers of the publishing lanes, by name (`publishMany`). */
  private readonly lanes = new Map<string, Promise<Producer>>();
  private readonly admin: Admin;
  private readonly consumers = new Set<KafkaConsumer>();
  private readonly subscriptions = new Set<ConsumerHealth>();
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
    this.producer = this.newProducer();
    this.admin = this.kafka.admin();
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(() => undefined);
    return this.connected;
  }

  /** Idempotent (no duplicate on a retry, order kept), so kafkajs sends one request at a time: a lane per producer. */
  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's partitioner: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** The producer of a lane (`publishMany`), connected on first use. */
  private laneProducer(lane: string | undefined): Promise<Producer> {
    if (lane === undefined) return Promise.resolve(this.producer);
    let producer = this.lanes.get(lane);
    if (producer === undefined) {
      const made = this.newProducer();
      producer = made.connect().then(() => made);
      // A failed connect is tried again by the next publish, not remembered.
      producer.catch(() => this.lanes.delete(lane));
      this.lanes.set(lane, producer);
    }
    return producer;
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

  /**
   * Sends in requests of at most {@link MAX_REQUEST_BYTES}: a broker refuses a record batch over
   * its `max.message.bytes` (1 MB by default) as a whole, and kafkajs puts all of one request's
   * records for a partition in one batch. The requests go one after another, so order holds.
   */
  async publishMany(batches: readonly TopicRecords[], lane?: string): Promise<void> {
    const requests: Array<Array<{ topic: string; messages: Array<{ key: string | null; value: string | Buffer }> }>> = [];
    let request: (typeof requests)[number] = [];
    let bytes = 0;
    for (const batch of batches) {
      for (const record of batch.records) {
        const size = Buffer.byteLength(record.value) + (record.key === null ? 0 : Buffer.byteLength(record.key));
        if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) {
          requests.push(request);
          request = [];
          bytes = 0;
        }
        const topic = this.name(batch.topic);
        let entry = request.at(-1);
        if (entry?.topic !== topic) request.push((entry = { topic, messages: [] }));
        entry.messages.push({ key: record.key, value: record.value });
        bytes += size;
      }
    }
    if (request.length > 0) requests.push(request);
    if (requests.length === 0) return;
    await this.connect();
    const producer = await this.laneProducer(lane);
    for (const topicMessages of requests) await producer.sendBatch({ acks: -1, topicMessages });
  }

  /**
   * One kafkajs consumer per subscription. Each batch goes through the poison-pill breaker, and
   * its offset is committed once its work (and the dead letters of what failed) is durable. A
   * consumer that crashes is started again with growing pauses; until then its health says it is
   * stopped, which turns readiness to 503 (DESIGN §8).
   */
  async subscribe<T>(subscription: BatchSubscription<T>): Promise<Subscribed> {
    await this.connect();
    const health = new ConsumerHealth(subscription.groupId, subscription.topic);
    this.subscriptions.add(health);
    let current: KafkaConsumer | undefined;
    let stopped = false;
    let restartDelay = FIRST_RESTART_DELAY_MS;
    let restartTimer: NodeJS.Timeout | undefined;

    const start = async (): Promise<void> => {
      const consumer = this.batchConsumer(subscription);
      current = consumer;
      this.consumers.add(consumer);
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        // kafkajs restarts by itself after a retriable error; after any other it stays down.
        if (payload.restart || stopped) return;
        health.running = false;
        this.logger.error({ msg: 'consumer crashed; starting it again', group: subscription.groupId, topic: subscription.topic, err: errorText(payload.error), inMs: restartDelay });
        scheduleRestart(consumer);
      });
      await consumer.connect();
      await consumer.subscribe({ topic: this.name(subscription.topic), fromBeginning: subscription.fromBeginning ?? true });
      // The pause before the next restart grows until a batch is committed again.
      await consumer.run(this.batchRunner(subscription, health, () => (restartDelay = FIRST_RESTART_DELAY_MS)));
      health.running = true;
    };
    const scheduleRestart = (crashed: KafkaConsumer): void => {
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopped) return;
        this.consumers.delete(crashed);
        void crashed
          .disconnect()
          .catch(() => undefined)
          .then(start)
          .then(() => {
            health.restarts++;
            this.logger.warn({ msg: 'consumer started again', group: subscription.groupId, topic: subscription.topic });
          })
          .catch((error: unknown) => {
            this.logger.error({ msg: 'consumer could not start again', group: subscription.groupId, err: errorText(error) });
            if (current) scheduleRestart(current);
          });
      }, restartDelay);
      restartDelay = Math.min(restartDelay * 2, LONGEST_RESTART_DELAY_MS);
    };

    await start();
    return {
      health: () => health.report(),
      stop: async () => {
        stopped = true;
        clearTimeout(restartTimer);
        health.running = false;
        this.subscriptions.delete(health);
        if (current) {
          this.consumers.delete(current);
          await current.disconnect();
        }
      },
    };
  }

  private batchConsumer<T>(subscription: BatchSubscription<T>): KafkaConsumer {
    return this.kafka.consumer({
      groupId: `${this.options.topicPrefix}${subscription.groupId}`,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      ...(this.options.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeout: this.options.sessionTimeoutMs, heartbeatInterval: Math.max(1_000, Math.floor(this.options.sessionTimeoutMs / 10)) }),
    });
  }

  private batchRunner<T>(subscription: BatchSubscription<T>, health: ConsumerHealth, committed: () => void): Parameters<KafkaConsumer['run']>[0] {
    return {
      // Offsets are resolved by hand, and only after the handler's work is durable.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: subscription.concurrency ?? 1,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        health.began(batch.partition);
        this.metrics?.consumerLag(subscription.topic, batch.partition, subscription.groupId, Number(batch.offsetLagLow()) + 1);
        try {
          const { decoded, raw, refused } = sortBatch(
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
          const failed = await handleWithBreaker(subscription.topic, decoded, raw, subscription.handle, {
            tries: this.options.poisonTries ?? 3,
            logger: this.logger,
            // Waits in slices, heartbeating, so the group keeps this member while the batch waits.
            pause: async (ms) => {
              const end = Date.now() + ms;
              while (Date.now() < end) {
                if (!isRunning() || isStale()) return false;
                await heartbeat().catch(() => undefined);
                await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, end - Date.now())));
              }
              return isRunning() && !isStale();
            },
          });
          const deadLetters = rejectionRecords(subscription.topic, [...refused, ...failed]);
          if (deadLetters.length > 0) {
            await this.publishMany(deadLetters);
            this.metrics?.deadLettered(subscription.topic, [...refused, ...failed].map((record) => record.reason));
            this.logger.warn({ msg: 'records sent to the DLQ', topic: batch.topic, partition: batch.partition, count: refused.length + failed.length });
          }
          resolveOffset(batch.lastOffset());
          await commitOffsetsIfNecessary();
          committed();
          this.metrics?.consumerLag(subscription.topic, batch.partition, subscription.groupId, Number(batch.offsetLag()));
          await heartbeat();
        } catch (error) {
          // Stopping or rebalancing while the batch waited: uncommitted, it comes again (here or to the partition's next owner).
          if (!(error instanceof BatchAbandonedError)) throw error;
        } finally {
          health.ended(batch.partition);
        }
      },
    };
  }

  consumerHealth(): ConsumerHealthReport[] {
    return [...this.subscriptions].map((health) => health.report());
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
    const lanes = await Promise.allSettled(this.lanes.values());
    this.lanes.clear();
    await Promise.all([this.producer.disconnect(), this.admin.disconnect(), ...lanes.map((lane) => (lane.status === 'fulfilled' ? lane.value.disconnect() : undefined))]);
    this.connected = undefined;
  }
}
