/**
 * Rate-limit header fields as the IETF draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers-10) defines them: Structured Field Lists (RFC 9651) of
 * quota policies named by a string.
 *
 * - `RateLimit: "<policy>";r=<remaining>;t=<seconds until reset>` — the state of a quota.
 * - `RateLimit-Policy: "<policy>";q=<quota>;qu="<unit>";w=<window>` — the quota itself, sent
 *   only for Warden's own published limits (the heavy-request limit), never for a ban: a ban's
 *   rule, threshold and window are the policy's secret, and would tell an attacker how to pace.
 *
 * Wherever `Retry-After` is sent too, `t` is the same number: a client must never read two waits.
 * docs/operations.md says what each header reveals.
 */
export interface RateLimitState {
  /** The quota policy's name, e.g. `ban` or `audit-verify`. */
  readonly policy: string;
  readonly remaining: number;
  /** Seconds until the quota resets; left out where it is not known (a concurrency slot on a 2xx). */
  readonly resetSeconds?: number;
}

export interface RateLimitPolicy {
  readonly policy: string;
  readonly quota: number;
  /** `requests` (the draft's default) or `concurrent-requests`. */
  readonly unit?: 'requests' | 'concurrent-requests';
  /** The window in seconds; none for a concurrency quota. */
  readonly windowSeconds?: number;
}

/** A policy name as a Structured Field String (printable ASCII; `"` and `\` escaped). */
const sfString = (text: string) => `"${text.replace(/[\\"]/g, '\\$&')}"`;
const wholeSeconds = (seconds: number) => Math.max(0, Math.ceil(seconds));

/** The `RateLimit` field of one quota. */
export function rateLimitField(state: RateLimitState): string {
  const reset = state.resetSeconds === undefined ? '' : `;t=${wholeSeconds(state.resetSeconds)}`;
  return `${sfString(state.policy)};r=${Math.max(0, Math.floor(state.remaining))}${reset}`;
}

/** The `RateLimit-Policy` field of one quota. */
export function rateLimitPolicyField(policy: RateLimitPolicy): string {
  const unit = policy.unit === undefined || policy.unit === 'requests' ? '' : `;qu=${sfString(policy.unit)}`;
  const window = policy.windowSeconds === undefined ? '' : `;w=${wholeSeconds(policy.windowSeconds)}`;
  return `${sfString(policy.policy)};q=${policy.quota}${unit}${window}`;
}

/**
 * A refusal's headers: `Retry-After` and the exhausted quota, whose reset is that same wait. The
 * quota's size is not stated unless `policy` is given (Warden's own published limits only).
 */
export function throttledHeaders(name: string, retryAfter: number, policy?: RateLimitPolicy): Record<string, string> {
  const seconds = wholeSeconds(retryAfter);
  return {
    'Retry-After': String(seconds),
    RateLimit: rateLimitField({ policy: name, remaining: 0, resetSeconds: seconds }),
    ...(policy ? { 'RateLimit-Policy': rateLimitPolicyField(policy) } : {}),
  };
}
