import { MAX_LATENESS_MS } from './event-time.js';
import type { Policy, PolicyRule } from './policy.types.js';
import type { SubjectState } from './state.js';
import type { SubjectEntry } from './subject-states.js';
import { counterHorizon } from './window-counter.js';

/**
 * The event time from which a subject's state no longer matters: every counted attempt has left
 * its window, the last ban has ended and its level is forgotten (24 h later), the fingerprint
 * memory has faded, each with 5 minutes' margin for late attempts. −Infinity for an empty state.
 */
export function prunableAfter(state: SubjectState, policy: Policy): number {
  let after = heldAfter(state, policy);
  for (const name in state.rules) after = Math.max(after, counterHorizon(policy.ruleByName.get(name), state.rules[name]!));
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

/** `prunableAfter` of a subject's in-memory form, given its scope's rules. */
export function entryPrunableAfter(entry: SubjectEntry, rules: readonly PolicyRule[], policy: Policy): number {
  let after = heldAfter(entry, policy);
  const counters = entry.counters;
  if (counters !== undefined) {
    for (let slot = 0; slot < counters.length; slot++) {
      const counter = counters[slot];
      if (counter !== undefined) after = Math.max(after, counterHorizon(rules[slot], counter));
    }
  }
  for (const name in entry.foreign) after = Math.max(after, counterHorizon(policy.ruleByName.get(name), entry.foreign[name]!));
  return after;
}

/** Until when the ban's level and the fingerprint memory matter. */
function heldAfter({ ban, secrets }: Pick<SubjectState, 'ban' | 'secrets'>, policy: Policy): number {
  let after = -Infinity;
  if (ban !== undefined) after = Math.max(after, ban.until + policy.escalation.memoryMs + MAX_LATENESS_MS);
  if (secrets !== undefined) after = Math.max(after, secrets.at + policy.repeatedSecret.memoryMs + MAX_LATENESS_MS);
  return after;
}
