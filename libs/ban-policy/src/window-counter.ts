import { MAX_LATENESS_MS } from './event-time.js';
import { shortHash } from '#warden/contracts';
import type { PolicyRule } from './policy.types.js';

/** At most this many attempt ids are kept per counter as an incident's evidence. */
export const MAX_EVIDENCE_IDS = 20;

/** Tally buckets per window of a rule that weighs failures against successes. */
export const TALLY_BUCKETS = 10;

/** A typo key or account of an entry that has none: it matches no attempt's (hashes are ≥ 0). */
export const NO_KEY = -1;

/** `CountedAttempt.typoKey` and `.accountKey` before they are first needed. */
const UNHASHED = -2;

/**
 * One rule's counter of one subject, in the form `decide` changes in place: arrays of numbers and
 * the attempt ids, no object per entry. Its plain JSON form is `CounterState` (state.ts); the
 * fields mean the same, with short hashes as numbers. Arrays of up to `EXACT_UP_TO` entries are
 * kept at their exact size (most counters hold a few entries; V8 grows a pushed array by half
 * plus 16 slots). A rule weighing failures against successes has a `TallyCounter`
 * (`newCounter`).
 */
export class RuleCounter {
  /** Event times of the counted attempts still relevant, ascending; at most threshold − 1. */
  t: number[] = [];
  /** Ids of the most recent counted attempts, in arrival order: the evidence of an incident. */
  ids: string[] = [];
  /** distinct-accounts only: the account (`shortHash`) of each entry of `t`. */
  a: number[] | undefined = undefined;
  /** Rules that forgive typos: the typo key (`shortHash` of the account-ip subject, `NO_KEY` without an account) of each entry of `t`. */
  k: number[] | undefined = undefined;
  /** failures-in-a-row only: event time of the latest success; no failure up to it counts. */
  reset: number | undefined = undefined;

  /** Nothing left to remember: `decide` drops such a counter at the end of the batch that emptied it. */
  isEmpty(): boolean {
    return this.t.length === 0 && this.reset === undefined;
  }
}

/**
 * The counter of a rule weighing failures against successes, with their tally. A class of its
 * own so that the other counters (most of a store's) do not carry its three fields.
 */
export class TallyCounter extends RuleCounter {
  /** The newest tally bucket (event time ÷ bucket width). */
  b: number | undefined = undefined;
  /** …failures and successes per bucket, newest first (index i is bucket `b − i`). */
  f: number[] | undefined = undefined;
  s: number[] | undefined = undefined;

  override isEmpty(): boolean {
    return super.isEmpty() && this.b === undefined;
  }
}

/** A new, empty counter for `rule`: one with a tally when the rule weighs failures against successes, or when `tallied` says it has one to hold. */
export function newCounter(rule: PolicyRule, tallied = rule.failuresPerSuccess > 0): RuleCounter {
  return tallied ? new TallyCounter() : new RuleCounter();
}

/**
 * What the counting of one attempt needs to know about it. `decide` fills one such object per
 * batch and changes it for each attempt (no allocation per attempt).
 */
export class CountedAttempt {
  id = '';
  at = 0;
  failure = false;
  /** The failure repeats one of the account's last fingerprints (Entra smart lockout). */
  repeatedSecret = false;
  account: string | null = null;
  /** The `account-ip:` subject key, or null without an account: what a success forgives by. */
  accountIp: string | null = null;
  /** Short hashes of `accountIp` and `account`, made when first needed (most attempts never need them). */
  typoKey = UNHASHED;
  accountKey = UNHASHED;

  set(id: string, at: number, failure: boolean, account: string | null, accountIp: string | null, repeatedSecret: boolean): void {
    this.id = id;
    this.at = at;
    this.failure = failure;
    this.account = account;
    this.accountIp = accountIp;
    this.repeatedSecret = repeatedSecret;
    this.typoKey = UNHASHED;
    this.accountKey = UNHASHED;
  }
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
 * Whether a success can change the rule's counter: counted (`attempts`), ending a row, tallied
 * against failures, or forgiving typos. Every other rule leaves a success's subjects as they are.
 */
export function ruleActsOnSuccess(rule: PolicyRule): boolean {
  return rule.kind === 'attempts' || rule.kind === 'failures-in-a-row' || rule.failuresPerSuccess > 0 || rule.forgiveTypos;
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
export function countAttempt(rule: PolicyRule, counter: RuleCounter, attempt: CountedAttempt): WindowFired | null {
  if (rule.kind === 'failures-in-a-row' && !attempt.failure) {
    resetRow(counter, attempt.at);
    return null;
  }
  if (!ruleCounts(rule, attempt)) return null;
  if (rule.kind === 'failures-in-a-row' && counter.reset !== undefined && attempt.at <= counter.reset) return null;
  // Entries from before forgiveness existed (or before the rule forgave) have no key: they match none.
  const keys = rule.forgiveTypos ? (counter.k ??= keylessEntries(counter.t.length)) : undefined;
  const distinct = rule.kind === 'distinct-accounts';
  if (distinct && !replaceAccount(counter, attempt.at, accountKeyOf(attempt), keys !== undefined)) return null;
  // The times as they are with this attempt's inserted at `index`: whether it fires and what
  // stays are worked out before the arrays change, so that they change in place when one goes.
  const times = counter.t;
  const at = attempt.at;
  const index = sortedIndex(times, at);
  const length = times.length + 1;
  const n = rule.threshold;
  if (length >= n) {
    const nth = timeWith(times, index, at, n - 1);
    if (nth - timeWith(times, index, at, 0) <= rule.windowMs && outnumbersSuccesses(rule, counter, nth)) {
      // The evidence goes with the ban: the counter starts a fresh list.
      const fired = { at: nth, attemptIds: remembered(counter.ids, attempt.id, rule.evidence) };
      clearCounter(counter);
      return fired;
    }
  }
  // The oldest go beyond threshold − 1, then those before the horizon.
  let dropped = Math.max(length - (n - 1), 0);
  const horizon = timeWith(times, index, at, length - 1) - rule.windowMs - MAX_LATENESS_MS;
  while (dropped < length && timeWith(times, index, at, dropped) < horizon) dropped++;
  counter.t = insertedDroppingFirst(times, index, at, dropped);
  if (distinct) counter.a = insertedDroppingFirst(counter.a!, index, accountKeyOf(attempt), dropped);
  else if (counter.a !== undefined) dropFirstOneByOne(counter.a, dropped);
  if (keys !== undefined) counter.k = insertedDroppingFirst(keys, index, typoKeyOf(attempt), dropped);
  else if (counter.k !== undefined) dropFirstOneByOne(counter.k, dropped);
  // The evidence: this attempt's id last, at most `evidence` of them and never more than entries.
  const ids = counter.ids;
  const kept = Math.min(ids.length < rule.evidence ? ids.length + 1 : rule.evidence, length - dropped);
  counter.ids = insertedDroppingFirst(ids, ids.length, attempt.id, ids.length + 1 - kept);
  return null;
}

/**
 * DESIGN §7 "Typos are forgiven": a success at `attempt.at` ends the count of the failures of its
 * account from its IP made up to `windowMs` before it (`hasTypoToForgive` asks first, without
 * writing).
 */
export function forgiveTypos(counter: RuleCounter, attempt: CountedAttempt, windowMs: number): void {
  const keys = counter.k;
  if (keys === undefined) return;
  const key = typoKeyOf(attempt);
  const from = attempt.at - windowMs;
  const times = counter.t;
  const accounts = counter.a;
  for (let i = times.length - 1; i >= 0 && times[i]! >= from; i--) {
    if (keys[i] !== key || times[i]! > attempt.at) continue;
    removeAt(times, i);
    removeAt(keys, i);
    if (accounts !== undefined) removeAt(accounts, i);
  }
  // The evidence ids are not matched to entries: the oldest go, so there are never more than entries.
  dropFirst(counter.ids, counter.ids.length - times.length);
}

/** Whether a success would forgive some of this counter's failures (read only: most successes forgive nothing). */
export function hasTypoToForgive(counter: RuleCounter | undefined, attempt: CountedAttempt, windowMs: number): boolean {
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
export function tally(rule: PolicyRule, counter: TallyCounter, at: number, failure: boolean): void {
  const bucket = Math.floor(at / rule.bucketMs);
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
function outnumbersSuccesses(rule: PolicyRule, counter: RuleCounter, at: number): boolean {
  // Such a rule's counter is a TallyCounter (`newCounter`).
  if (rule.failuresPerSuccess === 0 || !(counter instanceof TallyCounter)) return true;
  const newest = counter.b;
  if (newest === undefined) return true;
  const first = newest - Math.floor(at / rule.bucketMs);
  return bucketSum(counter.f, first) > rule.failuresPerSuccess * bucketSum(counter.s, first);
}

function bucketSum(counts: readonly number[] | undefined, first: number): number {
  let total = 0;
  if (counts !== undefined) for (let i = Math.max(first, 0); i < first + TALLY_BUCKETS && i < counts.length; i++) total += counts[i]!;
  return total;
}

/** Ages the buckets by `shift` in place: the oldest fall off, and trailing zeros go (most ranges see few attempts). */
function shiftBuckets(counts: number[], shift: number): void {
  if (counts.length === 0) return;
  const length = Math.min(counts.length + shift, TALLY_BUCKETS);
  for (let i = length - 1; i >= 0; i--) counts[i] = i >= shift ? counts[i - shift]! : 0;
  counts.length = length;
  while (counts.length > 0 && counts[counts.length - 1] === 0) counts.pop();
}

export function typoKeyOf(attempt: CountedAttempt): number {
  if (attempt.accountIp === null) return NO_KEY;
  if (attempt.typoKey === UNHASHED) attempt.typoKey = shortHash(attempt.accountIp);
  return attempt.typoKey;
}

function accountKeyOf(attempt: CountedAttempt): number {
  if (attempt.accountKey === UNHASHED) attempt.accountKey = shortHash(attempt.account!);
  return attempt.accountKey;
}

/** The latest event time a counter (in memory or as JSON) still needs, for pruning; −Infinity when it needs none. */
export function counterHorizon(rule: PolicyRule | undefined, counter: { readonly t: readonly number[]; readonly reset?: number | undefined; readonly b?: number | undefined }): number {
  const tallied = counter.b === undefined || rule === undefined ? -Infinity : (counter.b + 1) * rule.bucketMs;
  const latest = Math.max(counter.t.length > 0 ? counter.t[counter.t.length - 1]! : -Infinity, counter.reset ?? -Infinity, tallied);
  const window = rule?.windowMs ?? 0;
  return latest === -Infinity ? latest : latest + window + MAX_LATENESS_MS;
}

/** A success ends the row: failures up to its event time stop counting. */
function resetRow(counter: RuleCounter, at: number): void {
  counter.reset = counter.reset === undefined ? at : Math.max(counter.reset, at);
  // The times are sorted: those up to the success are the first ones (usually none).
  const times = counter.t;
  let ended = 0;
  while (ended < times.length && times[ended]! <= at) ended++;
  dropFirst(times, ended);
  dropFirst(counter.ids, counter.ids.length - times.length);
}

/** Entry i of the ascending `times` with `at` inserted at `index`, read without inserting it. */
function timeWith(times: readonly number[], index: number, at: number, i: number): number {
  return i < index ? times[i]! : i === index ? at : times[i - 1]!;
}

/**
 * Removes the account's entry, to be counted again at `at`: false when it already has a later one
 * (nothing changes then). Gives the counter its accounts when it has none.
 */
function replaceAccount(counter: RuleCounter, at: number, account: number, keyed: boolean): boolean {
  const accounts = (counter.a ??= []);
  const existing = accounts.indexOf(account);
  if (existing < 0) return true;
  if (counter.t[existing]! >= at) return false;
  removeAt(counter.t, existing);
  removeAt(accounts, existing);
  if (keyed) removeAt(counter.k!, existing);
  return true;
}

function keylessEntries(length: number): number[] {
  const keys: number[] = [];
  for (let i = 0; i < length; i++) keys.push(NO_KEY);
  return keys;
}

/** Where `at` goes in the ascending `times`: after every entry not later than it (late attempts are rare, so from the end). */
function sortedIndex(times: readonly number[], at: number): number {
  let index = times.length;
  while (index > 0 && times[index - 1]! > at) index--;
  return index;
}

/** `ids` with `id` added last and the oldest dropped beyond `capacity` (in place when full: no allocation). */
function remembered(ids: string[], id: string, capacity: number): string[] {
  if (ids.length < capacity) return inserted(ids, ids.length, id);
  for (let i = 0; i < ids.length - 1; i++) ids[i] = ids[i + 1]!;
  ids[ids.length - 1] = id;
  dropFirst(ids, ids.length - capacity);
  return ids;
}

/**
 * `items` with `item` inserted at `index`, less its first `drop` entries: in place when at least
 * one goes (no allocation, the array keeps its exact size), else as `inserted`.
 */
function insertedDroppingFirst<T>(items: T[], index: number, item: T, drop: number): T[] {
  if (drop === 0) return inserted(items, index, item);
  // Result entry i is entry i + drop of the inserted array, written to slot i + drop − 1: each is
  // read from its own slot or a later one, before it is overwritten. The first drop − 1 slots go.
  const length = items.length + 1 - drop;
  for (let i = 0; i < length; i++) {
    const from = i + drop;
    items[i + drop - 1] = from < index ? items[from]! : from === index ? item : items[from - 1]!;
  }
  dropFirstOneByOne(items, drop - 1);
  return items;
}

/** Drops the first `count` entries as `shift` does, each (V8 trims the array's start in place). */
function dropFirstOneByOne<T>(items: T[], count: number): void {
  for (let i = 0; i < count; i++) items.shift();
}

function clearCounter(counter: RuleCounter): void {
  counter.t = [];
  counter.ids = [];
  if (counter.a !== undefined) counter.a = [];
  if (counter.k !== undefined) counter.k = [];
}

/**
 * Up to this many entries an array grows by an exact-size copy, beyond it in place (amortized, with
 * V8's slack): most counters never hold more, and those that do are busy, where copies would churn.
 */
const EXACT_UP_TO = 4;

/** `items` with `item` inserted at `index`: a new exact-size array while small, the same one grown once large. */
function inserted<T>(items: T[], index: number, item: T): T[] {
  const next = items.length < EXACT_UP_TO ? items.concat(item) : items;
  if (next === items) items.push(item);
  for (let i = next.length - 1; i > index; i--) next[i] = next[i - 1]!;
  next[index] = item;
  return next;
}

// In-place removals without `splice`, which allocates the array of what it removes.

function removeAt<T>(items: T[], index: number): void {
  for (let i = index; i < items.length - 1; i++) items[i] = items[i + 1]!;
  items.length--;
}

function dropFirst<T>(items: T[], count: number): void {
  if (count <= 0) return;
  if (count === 1) {
    items.shift();
    return;
  }
  for (let i = count; i < items.length; i++) items[i - count] = items[i]!;
  items.length -= count;
}
