import { MANUAL_RULE, scopeOfSubject, type BanRecord, type SubjectState } from '#warden/ban-policy';
import { uuidFromParts } from '#warden/contracts';
import type { OutgoingRecord } from '#warden/kafka';
import type { BanEventRow, BanRow } from '#warden/persistence';
import { banEventIncidentRecord, banRowDecisionRecord } from '../decisions/wire-records.js';

/** A ban's end, as the stage announces it: the expired decision, its history row and its `ban_expired` incident. */
export interface BanExpiry {
  readonly subject: string;
  /** The subject's state, unchanged: the ended ban stays in it for escalation (DESIGN §7). */
  readonly state: SubjectState;
  readonly event: BanEventRow & { readonly type: 'ban_expired' };
  readonly decisionRecord: OutgoingRecord;
  readonly incidentRecord: OutgoingRecord;
}

/**
 * The expiry of `ban`, announced when the partition's stream time passed its end. Pure: the same
 * ban gives the same records, and its incident the same id (`ban_expired`, subject, end) however
 * often a replay announces it.
 */
export function banExpiry(subject: string, state: SubjectState, ban: BanRecord): BanExpiry {
  const until = new Date(ban.until);
  const row: BanRow = {
    subject,
    scope: scopeOfSubject(subject) ?? 'ip',
    rule: ban.rule,
    level: ban.level,
    since: new Date(ban.since),
    until,
    visible: ban.visible,
    status: 'expired',
    policyVersion: ban.policy,
    attemptIds: ban.rule === MANUAL_RULE ? [] : [ban.attemptId],
  };
  const event = { ...row, type: 'ban_expired' as const, actor: 'policy', reason: null, at: until } satisfies BanEventRow;
  return {
    subject,
    state,
    event,
    decisionRecord: { key: subject, value: JSON.stringify(banRowDecisionRecord(row, until)) },
    incidentRecord: { key: subject, value: JSON.stringify(banEventIncidentRecord(event, uuidFromParts('ban_expired', subject, until.toISOString()))) },
  };
}
