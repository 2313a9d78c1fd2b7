import { BAN_DECISION_SCHEMA_VERSION, type BanDecisionRecord } from '#warden/contracts';
import type { OutgoingRecord } from '#warden/kafka';

/**
 * An `auth.ban-decisions` record as the engine publishes it (keyed by subject), for tests of the
 * gateway's view: active for `seconds` from now unless told otherwise.
 */
export function banDecision(
  subject: string,
  options: { seconds?: number; visible?: boolean; state?: BanDecisionRecord['state']; rule?: string; level?: number } = {},
): OutgoingRecord {
  const now = Date.now();
  const visible = options.visible ?? false;
  const value: BanDecisionRecord = {
    schemaVersion: BAN_DECISION_SCHEMA_VERSION,
    subject,
    scope: subject.slice(0, subject.indexOf(':')),
    state: options.state ?? 'active',
    rule: options.rule ?? (visible ? 'ip-total' : 'ip-failures'),
    level: options.level ?? 1,
    since: new Date(now).toISOString(),
    until: new Date(now + (options.seconds ?? 600) * 1_000).toISOString(),
    visible,
    policyVersion: 'test',
    attemptIds: [],
    decidedAt: new Date(now).toISOString(),
  };
  return { key: subject, value: JSON.stringify(value) };
}
