import type { BanItem, BanStatus, GatewayStatus } from '#warden/ban-policy';

/**
 * Where an answer came from: the cache; `/v1/check` (`onUnavailable: 'remote'`); or, with the
 * stream down too long, the `open` (allow) or `closed` (deny) answer.
 */
export type CheckSource = 'cache' | 'remote' | 'open' | 'closed';

/**
 * What a login endpoint answers, as `/v1/check` says it: allow, 429 + Retry-After, or 401. One
 * object may answer many checks (freezing it would cost more than the check): read it only.
 */
export interface CheckResult {
  readonly allowed: boolean;
  /** null: as usual; 429 with `Retry-After` (a visible ban); 401, as for a wrong password (an invisible one). */
  readonly gatewayStatus: GatewayStatus;
  /** Seconds until the longest ban ends, rounded up; 0 when allowed. */
  readonly retryAfter: number;
  /** The bans in force (from the cache only; empty for the other sources). */
  readonly bans: readonly BanItem[];
  readonly source: CheckSource;
}

export const ALLOWED_FROM_CACHE: CheckResult = Object.freeze({ allowed: true, gatewayStatus: null, retryAfter: 0, bans: Object.freeze([]), source: 'cache' });

export function resultOfStatus(status: BanStatus): CheckResult {
  if (status.gatewayStatus === null) return ALLOWED_FROM_CACHE;
  return { allowed: false, gatewayStatus: status.gatewayStatus, retryAfter: status.retryAfter, bans: status.bans, source: 'cache' };
}

/** `/v1/check`'s answer: 204 allow, 429 with its Retry-After, 401. */
export function resultOfRemote(status: number, retryAfter: number): CheckResult {
  if (status === 429) return { allowed: false, gatewayStatus: 429, retryAfter, bans: [], source: 'remote' };
  if (status === 401) return { allowed: false, gatewayStatus: 401, retryAfter: 0, bans: [], source: 'remote' };
  return { allowed: true, gatewayStatus: null, retryAfter: 0, bans: [], source: 'remote' };
}

export const ALLOWED_OPEN: CheckResult = Object.freeze({ allowed: true, gatewayStatus: null, retryAfter: 0, bans: Object.freeze([]), source: 'open' });

/** The `closed` answer: 429, so the caller is asked to come back rather than told the password was wrong. */
export function deniedClosed(retryAfter: number): CheckResult {
  return { allowed: false, gatewayStatus: 429, retryAfter, bans: [], source: 'closed' };
}
