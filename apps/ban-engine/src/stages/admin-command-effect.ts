import { imposeManualBan, isActive, liftBan, MANUAL_RULE, scopeOfSubject, type Policy, type SubjectState } from '#warden/ban-policy';
import { uuidFromParts, type AdminCommandRecord } from '#warden/contracts';
import type { OutgoingRecord } from '#warden/kafka';
import type { BanEventRow, BanRow } from '#warden/persistence';
import { banEventIncidentRecord, banRowDecisionRecord } from '../decisions/wire-records.js';

/** What a manual ban or unban does to the subject its stage owns, and what it records (nothing written yet). */
export interface AdminCommandEffect {
  readonly state: SubjectState;
  /** The ban row to store (a manual ban). */
  readonly upsert?: BanRow;
  /** The subject whose ban row is lifted (an unban of a ban in force). */
  readonly lift?: { readonly subject: string; readonly at: Date };
  readonly event: BanEventRow;
  readonly decisionRecord: OutgoingRecord;
  readonly incidentRecord: OutgoingRecord;
}

/**
 * A manual ban (at the command's time, for its duration, escalation level kept from a recent ban)
 * or unban (the ban in force ends now; with none, the subject is still recorded as lifted, level 0).
 * Pure: the same command on the same state gives the same effect, so a replay records it again the same.
 */
export function adminCommandEffect(command: AdminCommandRecord, current: SubjectState | undefined, policy: Policy): AdminCommandEffect {
  const at = new Date(command.issuedAt);
  const scope = scopeOfSubject(command.subject) ?? 'ip';
  let state: SubjectState;
  let ban: BanRow;
  let upsert: BanRow | undefined;
  let lift: AdminCommandEffect['lift'];
  if (command.type === 'ban') {
    state = imposeManualBan(current, { at: at.getTime(), durationMs: command.durationSeconds * 1_000, commandId: command.id }, policy);
    const imposed = state.ban!;
    ban = {
      subject: command.subject,
      scope,
      rule: MANUAL_RULE,
      level: imposed.level,
      since: at,
      until: new Date(imposed.until),
      visible: imposed.visible,
      status: 'active',
      policyVersion: policy.version,
      attemptIds: [],
    };
    upsert = ban;
  } else {
    const inForce = current?.ban !== undefined && isActive(current.ban, at.getTime()) ? current.ban : undefined;
    state = liftBan(current);
    ban = {
      subject: command.subject,
      scope,
      rule: inForce?.rule ?? MANUAL_RULE,
      level: inForce?.level ?? 0,
      since: new Date(inForce?.since ?? at.getTime()),
      until: at,
      visible: inForce?.visible ?? false,
      status: 'lifted',
      policyVersion: inForce?.policy ?? policy.version,
      attemptIds: inForce === undefined || inForce.rule === MANUAL_RULE ? [] : [inForce.attemptId],
    };
    if (inForce !== undefined) lift = { subject: command.subject, at };
  }
  const event = {
    ...ban,
    type: command.type === 'ban' ? ('manual_ban' as const) : ('manual_unban' as const),
    actor: command.actor,
    reason: command.reason,
    at,
  } satisfies BanEventRow;
  return {
    state,
    ...(upsert === undefined ? {} : { upsert }),
    ...(lift === undefined ? {} : { lift }),
    event,
    decisionRecord: { key: command.subject, value: JSON.stringify(banRowDecisionRecord(ban, at)) },
    incidentRecord: { key: command.subject, value: JSON.stringify(banEventIncidentRecord(event, uuidFromParts(event.type, command.id))) },
  };
}
