import type { Policy } from './policy.types.js';
import { cloneSubjectState, type SubjectState } from './state.js';

/** The rule name of bans the security team imposes by hand. */
export const MANUAL_RULE = 'manual';

export interface ManualBan {
  readonly at: number;
  readonly durationMs: number;
  /** The admin command's id: it plays the part of the triggering attempt. */
  readonly commandId: string;
  /** Manual bans answer 429 with Retry-After unless told otherwise. */
  readonly visible?: boolean;
}

/**
 * A subject's state with a manual ban from `at`. It keeps the subject's level (a manual ban
 * neither escalates nor is escalated by attempts); a longer automatic ban may replace it.
 */
export function imposeManualBan(state: SubjectState | undefined, ban: ManualBan, policy: Policy): SubjectState {
  const next = cloneSubjectState(state);
  const level = next.ban !== undefined && ban.at - next.ban.until < policy.escalation.memoryMs ? next.ban.level : 1;
  next.ban = {
    rule: MANUAL_RULE,
    level,
    since: ban.at,
    until: ban.at + ban.durationMs,
    visible: ban.visible ?? true,
    attemptId: ban.commandId,
    policy: policy.version,
  };
  return next;
}

/** A subject's state after a manual unban: no ban, and no level to escalate from. */
export function liftBan(state: SubjectState | undefined): SubjectState {
  const next = cloneSubjectState(state);
  delete next.ban;
  return next;
}
