import type { BanDecision, BanItem, Incident, Verdict } from '#warden/ban-policy';
import {
  BAN_DECISION_SCHEMA_VERSION,
  INCIDENT_SCHEMA_VERSION,
  VERDICT_SCHEMA_VERSION,
  type BanDecisionRecord,
  type BanItemRecord,
  type IncidentRecord,
  type VerdictPart,
  type VerdictRecord,
} from '#warden/contracts';
import type { BanEventRow, BanRow } from '#warden/persistence';

/**
 * The policy's outcomes (epoch milliseconds) as the topics and tables carry them (ISO-8601 and
 * Dates). Pure mapping, nothing decided here.
 */
const iso = (ms: number) => new Date(ms).toISOString();

export function banDecisionRecord(decision: BanDecision): BanDecisionRecord {
  return {
    schemaVersion: BAN_DECISION_SCHEMA_VERSION,
    subject: decision.subject,
    scope: decision.scope,
    state: 'active',
    rule: decision.rule,
    level: decision.level,
    since: iso(decision.since),
    until: iso(decision.until),
    visible: decision.visible,
    policyVersion: decision.policyVersion,
    attemptIds: decision.attemptIds,
    decidedAt: iso(decision.since),
  };
}

export function incidentRecord(incident: Incident): IncidentRecord {
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: incident.id,
    type: incident.type,
    severity: incident.severity,
    subject: incident.subject,
    rule: incident.rule,
    level: incident.level,
    until: iso(incident.until),
    attemptIds: incident.attemptIds,
    actor: incident.actor,
    reason: incident.reason,
    at: iso(incident.at),
    simulated: incident.simulated,
    policyVersion: incident.policyVersion,
  };
}

function banItemRecord(ban: BanItem): BanItemRecord {
  return { ...ban, until: iso(ban.until) };
}

/** A verdict as `auth.verdicts` carries it; `part` when it is one stage's part of it (see {@link VerdictRecord}). */
export function verdictRecord(verdict: Verdict, part?: VerdictPart): VerdictRecord {
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    attemptId: verdict.attemptId,
    banned: verdict.banned,
    retryAfter: verdict.retryAfter,
    until: verdict.until === null ? null : iso(verdict.until),
    bans: verdict.bans.map(banItemRecord),
    trigger: verdict.trigger,
    gatewayStatus: verdict.gatewayStatus,
    ...(part === undefined ? {} : { part }),
  };
}

/** The verdict of an attempt no ban applied to: what a repeat of it is answered when none was kept. */
export function unbannedVerdictRecord(attemptId: string, part?: VerdictPart): VerdictRecord {
  return { schemaVersion: VERDICT_SCHEMA_VERSION, attemptId, banned: false, retryAfter: 0, until: null, bans: [], trigger: false, gatewayStatus: null, ...(part === undefined ? {} : { part }) };
}

export function banRow(decision: BanDecision): BanRow {
  return {
    subject: decision.subject,
    scope: decision.scope,
    rule: decision.rule,
    level: decision.level,
    since: new Date(decision.since),
    until: new Date(decision.until),
    visible: decision.visible,
    status: 'active',
    policyVersion: decision.policyVersion,
    attemptIds: decision.attemptIds,
  };
}

export function banEventRow(decision: BanDecision): BanEventRow {
  return {
    subject: decision.subject,
    type: decision.type,
    rule: decision.rule,
    level: decision.level,
    since: new Date(decision.since),
    until: new Date(decision.until),
    policyVersion: decision.policyVersion,
    attemptIds: decision.attemptIds,
    actor: 'policy',
    reason: null,
    at: new Date(decision.since),
  };
}

/** The `auth.ban-decisions` record of a ban row: active, lifted by an admin, or expired. */
export function banRowDecisionRecord(row: BanRow, decidedAt: Date): BanDecisionRecord {
  return {
    schemaVersion: BAN_DECISION_SCHEMA_VERSION,
    subject: row.subject,
    scope: row.scope,
    state: row.status,
    rule: row.rule,
    level: row.level,
    since: row.since.toISOString(),
    until: row.until.toISOString(),
    visible: row.visible,
    policyVersion: row.policyVersion,
    attemptIds: row.attemptIds,
    decidedAt: decidedAt.toISOString(),
  };
}

const SEVERITY: Record<string, IncidentRecord['severity']> = { manual_ban: 'medium', manual_unban: 'low', ban_expired: 'low' };

/** The incident of a manual ban, a manual unban or an expiry, from its ban history row. */
export function banEventIncidentRecord(event: BanEventRow & { type: 'manual_ban' | 'manual_unban' | 'ban_expired' }, id: string): IncidentRecord {
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id,
    type: event.type,
    severity: SEVERITY[event.type] ?? 'low',
    subject: event.subject,
    rule: event.rule,
    level: event.level,
    until: event.until.toISOString(),
    attemptIds: event.attemptIds,
    actor: event.actor,
    reason: event.reason,
    at: event.at.toISOString(),
    simulated: false,
    policyVersion: event.policyVersion,
  };
}
