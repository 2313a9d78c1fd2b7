import { MAX_LATENESS_MS } from './event-time.js';
import { shortKey } from './hash.js';
import type { PolicyRule } from './policy.types.js';
import type { CounterState } from './state.js';

/** At most this many attempt ids are kept per counter as an incident's evidence. */
export const MAX_EVIDENCE_IDS = 20;

/** What the counting of one attempt needs to know about it. */
export interface CountedAttempt {
  readonly id: string;
  readonly at: number;
  readonly failure: boolean;
  /** The failure repeats one of the account's last fingerprints (Entra smart lockout). */
  readonly repeatedSecret: boolean;
  readonly account: string | null;
}

/** A threshold reached: the ban starts `at` (the N-th counted attempt's event time). */
export interface WindowFired {
  readonly at: number;
  readonly attemptIds: string[];
}

/** Whether `rule` counts this attempt (a success only resets `failures-in-a-row`, it is not counted). */
export function ruleCounts(rule: PolicyRule, attempt: CountedAttempt): boolean {
  switch (rule.kind) {
    case 'attempts':
      return true;
    case 'failures':
    case 'failures-in-a-row':
      return attempt.failure && !(rule.ignoreRepeatedSecret && attempt.repeatedSecret);
    case 'identical-credential':
      return attempt.failure;
    case 'distinct-accounts':
      return attempt.failure && attempt.account !== null;
  }
}

/**
 * Counts one attempt against `rule` and tells whether it is the N-th counted one within W.
 *
 * The exact window rule needs, for an attempt at t, how many counted attempts lie in [t − W, t].
 * Knowing the last N − 1 event times is enough: if all of them are in the window, this attempt is
 * the N-th; if the oldest is not, it can never be again and is dropped. So the counter holds at
 * most N − 1 times, kept sorted so that a late attempt (out of order, within the 5-minute clamp)
 * takes its place by event time: N entries spanning at most W fire, whatever order they came in.
 * After firing the counter is emptied: those attempts have been acted on.
 */
export function countAttempt(rule: PolicyRule, counter: CounterState, attempt: CountedAttempt): WindowFired | null {
  if (rule.kind === 'failures-in-a-row' && !attempt.failure) {
    resetRow(counter, attempt.at);
    return null;
  }
  if (!ruleCounts(rule, attempt)) return null;
  if (rule.kind === 'failures-in-a-row' && counter.reset !== undefined && attempt.at <= counter.reset) return null;
  if (rule.kind === 'distinct-accounts') {
    if (!placeAccount(counter, attempt.at, shortKey(attempt.account!))) return null;
  } else {
    insertSorted(counter.t, attempt.at);
  }
  remember(counter.ids, attempt.id, Math.min(rule.threshold, MAX_EVIDENCE_IDS));
  const times = counter.t;
  const n = rule.threshold;
  if (times.length >= n && times[n - 1]! - times[0]! <= rule.windowMs) {
    const fired = { at: times[n - 1]!, attemptIds: [...counter.ids] };
    clearCounter(counter);
    return fired;
  }
  while (times.length > n - 1) dropOldest(counter);
  const horizon = times[times.length - 1]! - rule.windowMs - MAX_LATENESS_MS;
  while (times.length > 0 && times[0]! < horizon) dropOldest(counter);
  if (counter.ids.length > times.length) counter.ids.splice(0, counter.ids.length - times.length);
  return null;
}

/** The latest event time this counter still needs (for pruning), or −Infinity when it needs none. */
export function counterHorizon(rule: PolicyRule | undefined, counter: CounterState): number {
  const latest = Math.max(counter.t.length > 0 ? counter.t[counter.t.length - 1]! : -Infinity, counter.reset ?? -Infinity);
  const window = rule?.windowMs ?? 0;
  return latest === -Infinity ? latest : latest + window + MAX_LATENESS_MS;
}

/** A success ends the row: failures up to its event time stop counting. */
function resetRow(counter: CounterState, at: number): void {
  counter.reset = counter.reset === undefined ? at : Math.max(counter.reset, at);
  // Usually there is nothing to drop (a success after no failure): no new array then.
  if (counter.t.some((time) => time <= at)) counter.t = counter.t.filter((time) => time > at);
  counter.ids.splice(0, counter.ids.length - counter.t.length);
}

/** Records the account's latest failure; false when it already has a later one (nothing changes). */
function placeAccount(counter: CounterState, at: number, account: string): boolean {
  const accounts = (counter.a ??= []);
  const existing = accounts.indexOf(account);
  if (existing >= 0) {
    if (counter.t[existing]! >= at) return false;
    counter.t.splice(existing, 1);
    accounts.splice(existing, 1);
  }
  const index = insertSorted(counter.t, at);
  accounts.splice(index, 0, account);
  return true;
}

function insertSorted(times: number[], at: number): number {
  let index = times.length;
  while (index > 0 && times[index - 1]! > at) index--;
  times.splice(index, 0, at);
  return index;
}

function dropOldest(counter: CounterState): void {
  counter.t.shift();
  counter.a?.shift();
}

function remember(ids: string[], id: string, capacity: number): void {
  ids.push(id);
  if (ids.length > capacity) ids.splice(0, ids.length - capacity);
}

function clearCounter(counter: CounterState): void {
  counter.t = [];
  counter.ids = [];
  if (counter.a !== undefined) counter.a = [];
}
