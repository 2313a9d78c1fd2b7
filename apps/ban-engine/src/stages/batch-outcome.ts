import type { SubjectState } from '#warden/ban-policy';
import type { VerdictRecord } from '#warden/contracts';
import type { OutgoingRecord, TopicRecords } from '#warden/kafka';
import type { BanEventRow, BanRow } from '#warden/persistence';
import type { RecordedBan } from '../bans/recorded-ban.js';
import type { AdminCommandEffect } from './admin-command-effect.js';
import type { BanExpiry } from './ban-expiry.js';

/**
 * What one batch of a stage partition decided, before any of it is durable: the subjects it
 * changed, the ids it decided, the records to publish and the ban rows to store. The partition's
 * state takes it only once its checkpoint has committed, so a batch that fails leaves no trace.
 */
export class BatchOutcome {
  readonly changed = new Map<string, SubjectState>();
  /** Ids decided in this batch → the verdict kept for them (those a ban applied to), else null. */
  readonly decided = new Map<string, VerdictRecord | null>();
  readonly banRows: BanRow[] = [];
  readonly banEvents: BanEventRow[] = [];
  readonly lifts: Array<{ readonly subject: string; readonly at: Date }> = [];
  /** Bans whose end the stream time passed: marked expired in the table. */
  readonly expired: Array<{ readonly subject: string; readonly until: Date }> = [];
  private readonly records = new Map<string, OutgoingRecord[]>();
  /** The latest event time decided (epoch ms), for the stream-time lag and pruning. */
  latestEventTime: number | undefined;
  /** Attempts decided, and attempts seen before and answered their first verdict (metrics). */
  decidedCount = 0;
  repeatedCount = 0;
  /** What the policy decided, by rule (metrics). */
  readonly policyDecisions: Array<{ readonly rule: string; readonly type: string; readonly simulated: boolean }> = [];

  publish(topic: string, record: OutgoingRecord): void {
    let list = this.records.get(topic);
    if (list === undefined) this.records.set(topic, (list = []));
    list.push(record);
  }

  recordBans(topics: { decisions: string; incidents: string }, bans: readonly RecordedBan[]): void {
    for (const ban of bans) {
      this.banRows.push(ban.row);
      this.banEvents.push(ban.event);
      this.publish(topics.decisions, ban.decisionRecord);
      this.publish(topics.incidents, ban.incidentRecord);
    }
  }

  recordAdminCommand(topics: { decisions: string; incidents: string }, subject: string, effect: AdminCommandEffect): void {
    this.changed.set(subject, effect.state);
    if (effect.upsert) this.banRows.push(effect.upsert);
    if (effect.lift) this.lifts.push(effect.lift);
    this.banEvents.push(effect.event);
    this.publish(topics.decisions, effect.decisionRecord);
    this.publish(topics.incidents, effect.incidentRecord);
  }

  recordExpiry(topics: { decisions: string; incidents: string }, expiry: BanExpiry): void {
    this.changed.set(expiry.subject, expiry.state);
    this.expired.push({ subject: expiry.subject, until: expiry.event.until });
    this.banEvents.push(expiry.event);
    this.publish(topics.decisions, expiry.decisionRecord);
    this.publish(topics.incidents, expiry.incidentRecord);
  }

  seen(at: number): void {
    if (this.latestEventTime === undefined || at > this.latestEventTime) this.latestEventTime = at;
  }

  topicRecords(): TopicRecords[] {
    return [...this.records].map(([topic, records]) => ({ topic, records }));
  }
}
