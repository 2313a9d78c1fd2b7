/** How long to wait before reconnecting or resending. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * Exponential backoff with full jitter: attempt n (from 0) waits a random time in
 * [0, min(max, initial·2ⁿ)], so many gateways cut off by one restart do not come back in step.
 * `random` is a parameter so tests can pin it.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * random());
}
