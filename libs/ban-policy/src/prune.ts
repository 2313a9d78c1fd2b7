import { MAX_LATENESS_MS } from './event-time.js';
import type { Policy } from './policy.types.js';
import type { SubjectState } from './state.js';
import { counterHorizon } from './window-counter.js';

/**
 * The event time from which a subject's state no longer matters: every counted attempt has left
 * its window, the last ban has ended and its level is forgotten (24 h later), the fingerprint
 * memory has faded, each with 5 minutes' margin for late attempts. −Infinity for an empty state.
 */
export function prunableAfter(state: SubjectState, policy: Policy): number {
  let after = -Infinity;
  if (state.ban !== undefined) after = Math.max(after, state.ban.until + policy.escalation.memoryMs + MAX_LATENESS_MS);
  if (state.secrets !== undefined) after = Math.max(after, state.secrets.at + policy.repeatedSecret.memoryMs + MAX_LATENESS_MS);
  for (const name in state.rules) {
    after = Math.max(after, counterHorizon(policy.ruleByName.get(name), state.rules[name]!));
  }
  return after;
}

/**
 * Whether the engine may delete this subject's row, given an event time `at` that no attempt
 * still to be decided can precede by more than the 5-minute clamp (e.g. the latest receivedAt
 * decided; not the wall clock of a consumer that may be lagging).
 */
export function isPrunable(state: SubjectState, policy: Policy, at: number): boolean {
  return prunableAfter(state, policy) <= at;
}
