/**
 * The `RateLimit-*` headers of DESIGN §5 (IETF draft "RateLimit header fields for HTTP"): the
 * limit that applies, what is left of it, and the seconds until it resets.
 */
export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(Math.max(0, state.remaining)),
    'RateLimit-Reset': String(Math.max(0, state.resetSeconds)),
  };
}

/** A 429's headers: `Retry-After` and the exhausted limit. */
export function throttledHeaders(limit: number, retryAfter: number): Record<string, string> {
  return { 'Retry-After': String(retryAfter), ...rateLimitHeaders({ limit, remaining: 0, resetSeconds: retryAfter }) };
}
