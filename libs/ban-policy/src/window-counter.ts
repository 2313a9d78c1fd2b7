import { MAX_LATENESS_MS } from './event-time.js';
import { shortKey } from '#warden/contracts';
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
  /** The `account-ip:` subject key, or null without an account: what a success forgives by. */
  readonly accountIp: string | null;
  /** Its short hash, made when first needed (most attempts never need it). */
  typoKey?: string;
}

/** Tally buckets per window of a rule that weighs failures against successes. */
export const TALLY_BUCKETS = 10;

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
  // Entries from before forgiveness existed (or before the rule forgave) have no key: they match none.
  const keys = rule.forgiveTypos ? (counter.k ??= new Array<string>(counter.t.length).fill('')) : undefined;
  let index: number;
  if (rule.kind === 'distinct-accounts') {
    index = placeAccount(counter, attempt.at, shortKey(attempt.account!), keys);
    if (index < 0) return null;
  } else {
    index = insertSorted(counter.t, attempt.at);
  }
  keys?.splice(index, 0, typoKeyOf(attempt));
  remember(counter.ids, attempt.id, Math.min(rule.threshold, MAX_EVIDENCE_IDS));
  const times = counter.t;
  const n = rule.threshold;
  if (times.length >= n && times[n - 1]! - times[0]! <= rule.windowMs && outnumbersSuccesses(rule, counter, times[n - 1]!)) {
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

/**
 * DESIGN §7 "Typos are forgiven": a success at `attempt.at` ends the count of the failures of its
 * account from its IP made up to `windowMs` before it (`hasTypoToForgive` asks first, without
 * writing).
 */
export function forgiveTypos(counter: CounterState, attempt: CountedAttempt, windowMs: number): void {
  const keys = counter.k;
  if (keys === undefined) return;
  const key = typoKeyOf(attempt);
  const from = attempt.at - windowMs;
  const times = counter.t;
  for (let i = times.length - 1; i >= 0 && times[i]! >= from; i--) {
    if (keys[i] !== key || times[i]! > attempt.at) continue;
    times.splice(i, 1);
    keys.splice(i, 1);
    counter.a?.splice(i, 1);
  }
  // The evidence ids are not matched to entries: the oldest go, so there are never more than entries.
  if (counter.ids.length > times.length) counter.ids.splice(0, counter.ids.length - times.length);
}

/** Whether a success would forgive some of this counter's failures (read only: most successes forgive nothing). */
export function hasTypoToForgive(counter: CounterState | undefined, attempt: CountedAttempt, windowMs: number): boolean {
  const keys = counter?.k;
  if (keys === undefined || keys.length === 0 || attempt.accountIp === null) return false;
  const times = counter!.t;
  const from = attempt.at - windowMs;
  // Entries are sorted by time: only the newest can be in reach; look at the key only then.
  if (times[times.length - 1]! < from) return false;
  const key = typoKeyOf(attempt);
  for (let i = times.length - 1; i >= 0 && times[i]! >= from; i--) {
    if (keys[i] === key && times[i]! <= attempt.at) return true;
  }
  return false;
}

/**
 * Adds an attempt to the failure or success tally of a rule that weighs the two
 * (`failuresPerSuccess`): counts per bucket of a tenth of the window, the last ten kept.
 */
export function tally(rule: PolicyRule, counter: CounterState, at: number, failure: boolean): void {
  const bucket = Math.floor(at / bucketWidth(rule));
  let newest = counter.b;
  if (newest === undefined || bucket - newest >= TALLY_BUCKETS) {
    counter.b = newest = bucket;
    counter.f = [];
    counter.s = [];
  } else if (bucket > newest) {
    shiftBuckets(counter.f!, bucket - newest);
    shiftBuckets(counter.s!, bucket - newest);
    counter.b = newest = bucket;
  }
  const index = newest - bucket;
  if (index >= TALLY_BUCKETS) return;
  const counts = failure ? counter.f! : counter.s!;
  while (counts.length <= index) counts.push(0);
  counts[index]! += 1;
}

/** Failures in the ten buckets up to `at`'s exceed `failuresPerSuccess` × successes (always, for a rule without the condition). */
function outnumbersSuccesses(rule: PolicyRule, counter: CounterState, at: number): boolean {
  if (rule.failuresPerSuccess === 0) return true;
  const newest = counter.b;
  if (newest === undefined) return true;
  const first = newest - Math.floor(at / bucketWidth(rule));
  const sum = (counts: readonly number[] | undefined) => {
    let total = 0;
    if (counts !== undefined) for (let i = Math.max(first, 0); i < first + TALLY_BUCKETS && i < counts.length; i++) total += counts[i]!;
    return total;
  };
  return sum(counter.f) > rule.failuresPerSuccess * sum(counter.s);
}

function bucketWidth(rule: PolicyRule): number {
  return Math.max(1, Math.ceil(rule.windowMs / TALLY_BUCKETS));
}

/** Ages the buckets by `shift` in place: the oldest fall off, and trailing zeros go (most ranges see few attempts). */
function shiftBuckets(counts: number[], shift: number): void {
  if (counts.length === 0) return;
  const length = Math.min(counts.length + shift, TALLY_BUCKETS);
  for (let i = length - 1; i >= 0; i--) counts[i] = i >= shift ? counts[i - shift]! : 0;
  counts.length = length;
  while (counts.length > 0 && counts[counts.length - 1] === 0) counts.pop();
}

export function typoKeyOf(attempt: CountedAttempt): string {
  if (attempt.accountIp === null) return '';
  return (attempt.typoKey ??= shortKey(attempt.accountIp));
}

/** The latest event time this counter still needs (for pruning), or −Infinity when it needs none. */
export function counterHorizon(rule: PolicyRule | undefined, counter: CounterState): number {
  const tallied = counter.b === undefined || rule === undefined ? -Infinity : (counter.b + 1) * bucketWidth(rule);
  const latest = Math.max(counter.t.length > 0 ? counter.t[counter.t.length - 1]! : -Infinity, counter.reset ?? -Infinity, tallied);
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

/** Records the account's latest failure at its place; −1 when it already has a later one (nothing changes). */
function placeAccount(counter: CounterState, at: number, account: string, keys: string[] | undefined): number {
  const accounts = (counter.a ??= []);
  const existing = accounts.indexOf(account);
  if (existing >= 0) {
    if (counter.t[existing]! >= at) return -1;
    counter.t.splice(existing, 1);
    accounts.splice(existing, 1);
    keys?.splice(existing, 1);
  }
  const index = insertSorted(counter.t, at);
  accounts.splice(index, 0, account);
  return index;
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
  counter.k?.shift();
}

function remember(ids: string[], id: string, capacity: number): void {
  ids.push(id);
  if (ids.length > capacity) ids.splice(0, ids.length - capacity);
}

function clearCounter(counter: CounterState): void {
  counter.t = [];
  counter.ids = [];
  if (counter.a !== undefined) counter.a = [];
  if (counter.k !== undefined) counter.k = [];
}
