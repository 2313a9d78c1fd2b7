import { decide, type DecideResult } from '../src/decide.js';
import type { PolicyAttempt } from '../src/attempt.js';
import type { Policy } from '../src/policy.types.js';
import type { PolicyState } from '../src/state.js';

/** 2024-03-01T12:00:00Z: tests speak in offsets from here. */
export const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);
export const SEC = 1_000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

export interface AttemptSpec {
  readonly at?: number;
  readonly id?: string;
  readonly outcome?: 'success' | 'failure';
  readonly ip?: string;
  readonly account?: string | null;
  readonly fp?: string | null;
  /** How long after `at` Warden received it (0 by default). */
  readonly delay?: number;
}

/** A factory of attempts with ids `<prefix>-1`, `<prefix>-2`, …: deterministic, unique per factory. */
export function attemptFactory(prefix = 'a') {
  let sequence = 0;
  return (spec: AttemptSpec = {}): PolicyAttempt => {
    const at = spec.at ?? T0;
    return {
      id: spec.id ?? `${prefix}-${++sequence}`,
      occurredAt: at,
      receivedAt: at + (spec.delay ?? 0),
      outcome: spec.outcome ?? 'failure',
      ip: spec.ip ?? '203.0.113.7',
      account: spec.account === undefined ? null : spec.account,
      credentialFingerprint: spec.fp === undefined ? null : spec.fp,
    };
  };
}

/** Runs batches one after the other the way the engine does: save what each returns, load for the next. */
export function runBatches(policy: Policy, batches: readonly (readonly PolicyAttempt[])[], initial: PolicyState = new Map()) {
  const state: PolicyState = new Map(initial);
  const results: DecideResult[] = [];
  for (const batch of batches) {
    const result = decide(state, batch, policy);
    for (const [key, subject] of result.state) state.set(key, subject);
    results.push(result);
  }
  return {
    state,
    verdicts: results.flatMap((result) => result.verdicts),
    decisions: results.flatMap((result) => result.decisions),
    incidents: results.flatMap((result) => result.incidents),
  };
}

/** Offsets spread evenly from `first` to `last` (both included), n of them. */
export function spread(n: number, first: number, last: number): number[] {
  if (n === 1) return [first];
  return Array.from({ length: n }, (_, i) => first + Math.floor(((last - first) * i) / (n - 1)));
}
