import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import { GroupOffsets } from './group-offsets.js';
import type { LogRecord } from './log-record-codec.js';
import { BatchAbandonedError, handleWithBreaker } from './poison-pill-breaker.js';
import { CatchUp, deliverFollowed } from './topic-follower.js';
import { TopicLog } from './topic-log.js';

/** Stored records as a consumer reads them (one partition: 0). */
function rawRecords(topic: string, batch: readonly LogRecord[]): RawRecord[] {
  return batch.map((record) => ({ topic, partition: 0, offset: String(record.offset), key: record.key, value: record.value }));
}

const MAX_BATCH = 1_000;
const IDLE_WAIT_MS = 1_000;
/** How long a consumer waits before it reads its batch again after the bus could not record its progress. */
const COMMIT_RETRY_MS = 1_000;

export interface InProcessBusOptions {
  /** Where the logs and the groups' offsets live: `<data folder>/bus` in the embedded mode. */
  readonly directory: string;
  /** The clock of the topics' retention. */
  readonly now?: () => number;
  /** As `WARDEN_POISON_TRIES`. */
  readonly poisonTries?: number;
  /** The size at which a topic's log file is closed and a new one begun (old ones are deleted whole). */
  readonly segmentBytes?: number;
}

/**
 * The embedded mode's stand-in for Kafka, behind the same {@link MessageBus} port: one ordered
 * log per topic, consumer groups with committed offsets, batches, redelivery after a failed
 * handler, and the same DLQ step. Logs and offsets are kept in `directory` (DESIGN §2, §4): a
 * publish resolves once its records are on disk (so an attempt answered 202 survives a SIGKILL),
 * and a restart finds every record still retained at the offsets it had, and each group where it
 * last committed (so stream cursors stay valid).
 */
export class InProcessMessageBus extends MessageBus {
  private readonly topics = new Map<string, Promise<TopicLog>>();
  private offsetsOpened?: Promise<GroupOffsets>;
  private epochRead?: Promise<string>;
  private readonly directory: string;
  private readonly now: () => number;
  private readonly poisonTries: number;
  private readonly segmentBytes: number;

  constructor(options: InProcessBusOptions) {
    super();
    this.directory = options.directory;
    this.now = options.now ?? Date.now;
    this.poisonTries = options.poisonTries ?? 3;
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  }

  private readonly running = new Set<{ stopped: boolean; done: Promise<void> }>();
  private readonly subscriptions = new Set<ConsumerHealth>();
  private readonly logger = new Logger(InProcessMessageBus.name);
  private closed = false;

  private offsets(): Promise<GroupOffsets> {
    this.offsetsOpened ??= GroupOffsets.open(join(this.directory, 'group-offsets'), this.segmentBytes, this.logger);
    return this.offsetsOpened;
  }

  /** A topic's log, opened (read from disk) on first use; a topic no spec named is plain and kept forever. */
  private log(topic: string, spec?: TopicSpec): Promise<TopicLog> {
    let log = this.topics.get(topic);
    if (!log) {
      if (this.closed) return Promise.reject(new Error('the in-process bus is closed'));
      if (topic === '.' || topic === '..' || topic.includes('/')) return Promise.reject(new Error(`${JSON.stringify(topic)} cannot name a topic`));
      const retention = spec?.config['retention.ms'];
      log = this.offsets().then((offsets) =>
        TopicLog.open({
          directory: join(this.directory, 'topics', topic),
          compacted: spec?.config['cleanup.policy'] === 'compact',
          retentionMs: retention === undefined ? undefined : Number(retention),
          committed: offsets.of(topic),
          segmentBytes: this.segmentBytes,
          now: this.now,
          logger: this.logger,
        }),
      );
      this.topics.set(topic, log);
    }
    return log;
  }

  /**
   * Names the offsets this bus counts in: the same for as long as its folder is kept, a new one
   * for a new folder (where offsets start over). The decision stream sends it beside its cursors.
   */
  epoch(): Promise<string> {
    this.epochRead ??= this.readEpoch();
    return this.epochRead;
  }

  private async readEpoch(): Promise<string> {
    const path = join(this.directory, 'epoch');
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await this.offsets(); // makes the folder
    const epoch = randomUUID();
    await writeFile(`${path}.tmp`, epoch, { flush: true });
    await rename(`${path}.tmp`, path);
    return epoch;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    await Promise.all(specs.map((spec) => this.log(spec.name, spec)));
  }

  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length > 0) await (await this.log(topic)).append(records);
  }

  /** One topic after the other, in the order given (a decision is readable before the verdict that names its ban); a lane changes nothing here. */
  async publishMany(batches: readonly TopicRecords[]): Promise<void> {
    for (const batch of batches) await this.publish(batch.topic, batch.records);
  }

  async subscribe<T>(subscription: BatchSubscription<T>): Promise<Subscribed> {
    const log = await this.log(subscription.topic);
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
        const next = batch[batch.length - 1]!.offset + 1;
        try {
          await this.publishMany(rejectionRecords(subscription.topic, [...refused, ...failed]));
          await (await this.offsets()).save(subscription.topic, subscription.groupId, next);
        } catch (error) {
          // The disk refused the dead letters or the commit: the batch comes again once it is waited out.
          this.logger.error({ msg: 'could not record a batch as done; it will be handled again', topic: subscription.topic, group: subscription.groupId, err: String(error) });
          await pause(COMMIT_RETRY_MS);
          continue;
        }
        if (refused.length + failed.length > 0) this.metrics?.deadLettered(subscription.topic, [...refused, ...failed].map((record) => record.reason));
        log.commit(subscription.groupId, next);
      } catch (error) {
        if (!(error instanceof BatchAbandonedError)) throw error;
      } finally {
        health.ended(0);
      }
    }
  }

  async follow<T>(follower: TopicFollower<T>): Promise<Following> {
    const log = await this.log(follower.topic);
    const end = log.nextOffset;
    const start = log.records[0]?.offset ?? end;
    const catchUp = new CatchUp(follower.from === 'end' ? [] : [{ partition: 0, start: BigInt(start), end: BigInt(end) }]);
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
        // Nothing at or after `next`: the records up to the end are read, or were dropped (retention) meanwhile.
        catchUp.reached(0, BigInt(log.nextOffset));
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

  /** Disk writes so far, each with its sync, over every topic's log (not the offsets'): publishes per write show the group commit. */
  async diskWrites(): Promise<number> {
    const logs = await Promise.all(this.topics.values());
    return logs.reduce((writes, log) => writes + log.writes, 0);
  }

  /** False once a log could not be written or synced: publishes fail from then on. */
  async isHealthy(): Promise<boolean> {
    const logs = await Promise.all([...this.topics.values(), ...(this.offsetsOpened ? [this.offsetsOpened] : [])]);
    return logs.every((log) => log.failure === undefined);
  }

  /** Stops every consumer and follower, lets the writes under way reach the disk, and closes the files. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.running];
    running.forEach((state) => (state.stopped = true));
    this.running.clear();
    await Promise.all(running.map((state) => state.done));
    const logs = await Promise.allSettled([...this.topics.values()]);
    await Promise.all(logs.map((log) => (log.status === 'fulfilled' ? log.value.close() : undefined)));
    if (this.offsetsOpened) await (await this.offsetsOpened).close();
  }
}
