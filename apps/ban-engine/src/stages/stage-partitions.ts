import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { stagePolicy, type Policy, type StageName, type SubjectState } from '#warden/ban-policy';
import type { RoutedAdminCommand, VerdictRecord } from '#warden/contracts';
import { isConsumerHealthy, type ConsumedRecord, type Subscribed } from '#warden/kafka';
import { inTransaction, StaleCheckpointError, type Transaction } from '#warden/persistence';
import { adminCommandEffect } from './admin-command-effect.js';
import { banExpiry } from './ban-expiry.js';
import { BatchOutcome } from './batch-outcome.js';
import { BAN_TOPICS, type TimedAttempt } from './decide-run.js';
import { PartitionState, type SubjectChanges } from './partition-state.js';
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

/**
 * One stage of the engine over the partitions of its input topic that this process owns (DESIGN
 * §2). Each partition's subjects live in memory; a batch is decided against them into a
 * {@link BatchOutcome}; its records are published while one transaction checkpoints the changed
 * subjects, the decided ids, the ban rows and the offset after the batch, committed once they are
 * sent; only then does the partition's state take the outcome, and the bus commits the offset.
 *
 * A partition met for the first time, or whose next record is not the one this process expects
 * (another owner went on meanwhile), is loaded from its checkpoint; records before the
 * checkpoint's offset are skipped. A crash between publishing and checkpointing is repaired by the
 * next owner deciding the same records again from the same state: the same decisions, with the
 * same ids, keys and attempt ids, which every consumer deduplicates. Each checkpoint must find
 * the previous one in the table, so two processes that both think they own a partition (during a
 * rebalance) cannot both write: the second reloads and decides again.
 */
/** What a stage makes of one record of its log: an admin command routed to it, an attempt to decide, or nothing more (forwarded). */
export type StageItem<A> = { readonly command: RoutedAdminCommand } | TimedAttempt<A> | undefined;

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
      handle: (records) =>
        this.handle(records).catch((error: unknown) => {
          this.parts.metrics.failed(this.stage);
          throw error;
        }),
    });
    this.logger.log({ msg: 'consuming', topic: this.input.topic, group: this.input.groupId });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  /** What a record is to this stage (it may publish into `outcome`, e.g. forward a misrouted record). */
  protected abstract itemOf(record: ConsumedRecord<T>, outcome: BatchOutcome): StageItem<A>;

  /** Decides a run of attempts, consecutive in the log, into `outcome`. */
  protected abstract decideAttempts(run: ReadonlyArray<TimedAttempt<A>>, state: PartitionState, outcome: BatchOutcome): Promise<void>;

  /**
   * Decides a batch's records (all of one partition, in offset order, none decided before) into
   * `outcome`: attempts in runs, cut where an admin command comes or where an attempt's time passes
   * a ban's end, so that the command and the expiry take their place in the log's order.
   */
  private async decideBatch(records: ReadonlyArray<ConsumedRecord<T>>, state: PartitionState, outcome: BatchOutcome): Promise<void> {
    let run: Array<TimedAttempt<A>> = [];
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
      run.push(item);
    }
    await flush();
  }

  /** The bus's batch handler: each partition's records in turn. */
  async handle(records: ReadonlyArray<ConsumedRecord<T>>): Promise<void> {
    const byPartition = new Map<number, Array<ConsumedRecord<T>>>();
    for (const record of records) {
      let list = byPartition.get(record.partition);
      if (list === undefined) byPartition.set(record.partition, (list = []));
      list.push(record);
    }
    for (const [partition, list] of byPartition) await this.handlePartition(partition, list);
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

  private async handlePartition(partition: number, records: ReadonlyArray<ConsumedRecord<T>>): Promise<void> {
    for (let tries = 1; ; tries++) {
      const state = await this.stateFor(partition, BigInt(records[0]!.offset));
      const fresh = records.filter((record) => BigInt(record.offset) >= state.nextOffset);
      if (fresh.length === 0) return;
      const outcome = new BatchOutcome();
      try {
        await this.decideBatch(fresh, state, outcome);
        this.expireDue(state.streamTime, state, outcome);
        const nextOffset = BigInt(fresh.at(-1)!.offset) + 1n;
        const subjects = state.subjectChanges(outcome.changed, this.removable(state, outcome));
        await this.checkpoint(partition, state, outcome, nextOffset, subjects, BigInt(fresh[0]!.offset));
        this.apply(state, outcome, nextOffset, subjects, BigInt(fresh[0]!.offset));
      } catch (error) {
        // The batch changed the state as it went: what failed is forgotten, the next try starts from the checkpoint.
        this.partitions.delete(partition);
        if (!(error instanceof StaleCheckpointError) || tries > 1) throw error;
        this.logger.warn({ msg: 'another owner checkpointed this partition meanwhile; deciding again from its checkpoint', partition });
        continue;
      }
      this.parts.metrics.checkpointed(this.stage, partition, outcome);
      return;
    }
  }

  private async stateFor(partition: number, firstOffset: bigint): Promise<PartitionState> {
    const held = this.partitions.get(partition);
    // At or before the expected record: this process's state is current (a redelivery skips what it decided).
    if (held !== undefined && firstOffset <= held.nextOffset) return held;
    const loaded = await this.parts.checkpoints.load({ stage: this.checkpointName, partition });
    let state: PartitionState;
    if (loaded === undefined) {
      state = new PartitionState(this.policy, firstOffset, null);
    } else {
      // After the checkpoint's offset only records the bus refused (dead letters) can be missing.
      state = new PartitionState(this.policy, loaded.nextOffset > firstOffset ? loaded.nextOffset : firstOffset, loaded.nextOffset);
      state.streamTime = loaded.streamTime;
      for (const { subject, state: subjectState } of loaded.states) {
        const held = subjectState as SubjectState;
        state.subjects.load(subject, held);
        // Bans that ended by the checkpoint's stream time were announced then.
        if (held.ban !== undefined && held.ban.until > state.streamTime) state.expiries.push({ until: held.ban.until, subject });
      }
      state.recent = RecentAttempts.load(loaded.recentAttempts);
      state.chunkedEntries = loaded.chunkedEntries;
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

  /**
   * Publishes the batch's records and, at the same time, writes its checkpoint, which commits only
   * once they are published: a checkpoint never stands for records that were not sent (a crash
   * before its commit sends them again from the previous one, the same). The publish starts before
   * the transaction opens, so a verdict does not wait for a connection and a BEGIN.
   */
  private async checkpoint(partition: number, state: PartitionState, outcome: BatchOutcome, nextOffset: bigint, subjects: SubjectChanges, fromOffset: bigint): Promise<void> {
    const { database, bus } = this.parts;
    // Its own lane: the other stage's publishes (in this process) go out beside it, not before it.
    const sent = bus.publishMany(outcome.topicRecords(), this.stage).then(() => undefined, (error: unknown) => error);
    try {
      await inTransaction(database, async (tx) => {
        await this.writeCheckpoint(tx, partition, state, outcome, nextOffset, subjects, fromOffset);
        const failure = await sent;
        if (failure !== undefined) throw failure;
      });
    } finally {
      // Settled before the batch is over either way, so no publish outlives a failed checkpoint unseen.
      await sent;
    }
  }

  private async writeCheckpoint(tx: Transaction, partition: number, state: PartitionState, outcome: BatchOutcome, nextOffset: bigint, subjects: SubjectChanges, fromOffset: bigint): Promise<void> {
    const { checkpoints, bans } = this.parts;
    await checkpoints.save(tx, { stage: this.checkpointName, partition }, {
      expectedOffset: state.checkpointed,
      nextOffset,
      streamTime: state.streamTime,
      ...subjects,
      recentAttempts: recentAttemptsChunk(fromOffset, outcome.decided),
      ...(state.forgetAttemptsBefore === undefined ? {} : { forgetAttemptsBefore: state.forgetAttemptsBefore }),
    });
    await bans.save(tx, outcome.banRows);
    await bans.saveEvents(tx, outcome.banEvents);
    for (const { subject, at } of outcome.lifts) await bans.lift(tx, [subject], at);
    await bans.markExpired(tx, outcome.expired);
  }

  private apply(state: PartitionState, outcome: BatchOutcome, nextOffset: bigint, subjects: SubjectChanges, fromOffset: bigint): void {
    // The subjects' state took the batch as it went (a batch that fails drops it all); only the removed go now.
    for (const subject of subjects.removed) state.subjects.delete(subject);
    state.checkpointedSubjects(subjects);
    state.forgetAttemptsBefore = state.recent.add(fromOffset, outcome.decided as ReadonlyMap<string, VerdictRecord | null>);
    state.nextOffset = nextOffset;
    state.checkpointed = nextOffset;
  }
}
