import type { SubjectScope } from './policy.types.js';

// Instants are epoch milliseconds here as everywhere in the policy; the contracts write them as
// ISO-8601 on the wire (`new Date(ms).toISOString()`). Formatting is left to that edge because a
// batch under attack produces several instants per attempt and the formatting cost dominated.

/** One ban that applies to a check or an attempt (DESIGN §5 "ban item"). */
export interface BanItem {
  readonly subject: string;
  readonly scope: SubjectScope;
  readonly rule: string;
  readonly level: number;
  /** Epoch ms. */
  readonly until: number;
  /** Whole seconds, rounded up. */
  readonly retryAfter: number;
  readonly visible: boolean;
}

/** What a gateway should answer: 429 + Retry-After, 401 (an invisible ban), or as it would anyway. */
export type GatewayStatus = 429 | 401 | null;

/** Every ban in force for a set of subjects at one moment (`GET /v1/status`). */
export interface BanStatus {
  readonly banned: boolean;
  /** Of the longest applicable ban; 0 when none. */
  readonly retryAfter: number;
  /** Epoch ms end of the longest applicable ban; null when none. */
  readonly until: number | null;
  readonly bans: readonly BanItem[];
  /** 429 if any applicable ban is visible, else 401; null when no ban applies. */
  readonly gatewayStatus: GatewayStatus;
}

/** The decision on one attempt (DESIGN §5): its status once decided, and whether it triggered a ban. */
export interface Verdict extends BanStatus {
  readonly attemptId: string;
  /**
   * This very attempt imposed or escalated a ban on one of its subjects. `gatewayStatus` is 429
   * when it reached a rule's threshold; a failed attempt that escalates an invisible ban while it
   * lasts keeps 401, so the ban stays invisible (Realpad).
   */
  readonly trigger: boolean;
}

export type BanChange = 'ban_imposed' | 'ban_escalated';

/** A ban imposed or escalated: what the engine stores and publishes on `auth.ban-decisions`. */
export interface BanDecision {
  readonly type: BanChange;
  readonly subject: string;
  readonly scope: SubjectScope;
  readonly rule: string;
  readonly level: number;
  /** Epoch ms start (the triggering attempt's event time) and end. */
  readonly since: number;
  readonly until: number;
  readonly visible: boolean;
  /** The attempt that imposed or escalated the ban. */
  readonly attemptId: string;
  /** The attempts that caused it (the most recent 20 at most). */
  readonly attemptIds: readonly string[];
  readonly policyVersion: string;
}

export type IncidentType = BanChange | 'allowlist_hit';
export type IncidentSeverity = 'low' | 'medium' | 'high';

/** What the security team and alerting see (DESIGN §6 `auth.incidents`). */
export interface Incident {
  /** A UUID derived from type, subject, rule, level and triggering attempt: a replay yields the same id. */
  readonly id: string;
  readonly type: IncidentType;
  readonly severity: IncidentSeverity;
  readonly subject: string;
  readonly scope: SubjectScope;
  readonly rule: string;
  readonly level: number;
  /** Epoch ms end of the ban (or of the ban that would have been, for a simulated rule or an allowlisted subject). */
  readonly until: number;
  readonly attemptIds: readonly string[];
  readonly actor: 'policy';
  readonly reason: string;
  /** Epoch ms event time of the triggering attempt. */
  readonly at: number;
  /** The rule runs in simulate mode: nobody was banned. */
  readonly simulated: boolean;
  readonly policyVersion: string;
}
