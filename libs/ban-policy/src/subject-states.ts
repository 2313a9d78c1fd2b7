import { scopeOfSubject } from '#warden/contracts';
import { formatShortKey, parseShortKey } from '#warden/contracts';
import type { Policy, PolicyRule, SubjectScope } from './policy.types.js';
import { entryPrunableAfter } from './prune.js';
import type { BanRecord, CounterState, SecretMemory, SubjectState } from './state.js';
import { AddressCache } from './subjects.js';
import { newCounter, NO_KEY, TallyCounter, type RuleCounter } from './window-counter.js';

/**
 * One subject's state as `decide` keeps it in memory and changes it in place: its ban, one
 * `RuleCounter` per rule of its scope (by `PolicyRule.slot`), its fingerprint memory. The plain
 * JSON form of the same facts is `SubjectState` (state.ts); `SubjectStates` converts both ways.
 */
export class SubjectEntry {
  /** The latest ban, kept after it ends so the level is remembered. Replaced (by `SubjectStates.setBan`), never changed in place. */
  ban: BanRecord | undefined = undefined;
  counters: (RuleCounter | undefined)[] | undefined = undefined;
  secrets: SecretMemory | undefined = undefined;
  /** Counters of rules the policy does not give this subject's scope (a policy changed since): kept as they came, until pruned. */
  foreign: Record<string, CounterState> | undefined = undefined;
  /** The number of the last batch that changed it, so that a batch lists each changed subject once. */
  changedIn = 0;
}

/** How many addresses a store keeps the subjects of (`SubjectStates.addresses`). */
const ADDRESSES_KEPT = 65_536;

/**
 * The state of many subjects, in memory, owned by its caller and changed in place by
 * `decideBatch` (decide.ts): a stage partition keeps one for the subjects it owns, across batches.
 * It serializes one subject at a time to the plain JSON of `SubjectState` (`toJson`, for a
 * checkpoint) and reads it back (`load`). Bound to one compiled policy, whose rules its counters
 * are laid out by: after a policy change, load the checkpoint into a new one.
 */
export class SubjectStates {
  private readonly entries = new Map<string, SubjectEntry>();
  /**
   * The subjects whose entry holds a ban (in force or ended): of a subject that an attempt cannot
   * count on, `decideBatch` needs only the ban, and asking this smaller set spares the lookup.
   */
  private readonly banned = new Set<string>();
  private batches = 0;
  /**
   * @internal For `decideBatch`: the subjects of the addresses recent batches came from. Most
   * addresses come back batch after batch (a user's, an attacker's): parsed once, and their
   * `ip:` and `range:` keys are then the very strings the store's map holds, which it compares
   * without reading them. At most `ADDRESSES_KEPT` of them, about 390 bytes each.
   */
  readonly addresses: AddressCache;

  /**
   * `source`, when given, is read on demand: a subject not in the store yet is copied from it
   * when first asked for (so `decide` can work on its caller's plain JSON without changing it).
   */
  constructor(
    readonly policy: Policy,
    private readonly source?: ReadonlyMap<string, SubjectState>,
  ) {
    this.addresses = new AddressCache(policy, ADDRESSES_KEPT);
  }

  /** How many subjects it holds state for. */
  get size(): number {
    return this.entries.size;
  }

  has(subject: string): boolean {
    return this.entries.has(subject);
  }

  subjects(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Sets a subject's state from its plain JSON form (a checkpoint row, or a manual ban's new state), replacing what it had. */
  load(subject: string, state: SubjectState): void {
    const entry = entryFromJson(state, this.rulesOf(subject), this.policy);
    this.entries.set(subject, entry);
    if (entry.ban === undefined) this.banned.delete(subject);
    else this.banned.add(subject);
  }

  /** The subject's state as plain JSON (a copy: changing it changes nothing here), or undefined when it has none. */
  toJson(subject: string): SubjectState | undefined {
    const entry = this.entry(subject);
    return entry === undefined ? undefined : entryToJson(entry, this.rulesOf(subject));
  }

  delete(subject: string): boolean {
    this.banned.delete(subject);
    return this.entries.delete(subject);
  }

  /** The event time from which the subject's state no longer matters (`prunableAfter` of prune.ts); −Infinity when it has none. */
  prunableAfter(subject: string): number {
    const entry = this.entry(subject);
    return entry === undefined ? -Infinity : entryPrunableAfter(entry, this.rulesOf(subject), this.policy);
  }

  /**
   * Deletes the subjects whose state no longer matters at `at` (an event time no attempt still to
   * be decided can precede by more than the 5-minute clamp, as for `isPrunable`) and returns them.
   */
  prune(at: number): string[] {
    const pruned: string[] = [];
    for (const [subject, entry] of this.entries) {
      if (entryPrunableAfter(entry, this.rulesOf(subject), this.policy) <= at) pruned.push(subject);
    }
    for (const subject of pruned) this.delete(subject);
    return pruned;
  }

  /** @internal For `decideBatch`: the subject's entry, read from `source` when first asked for. */
  entry(subject: string): SubjectEntry | undefined {
    const entry = this.entries.get(subject);
    if (entry !== undefined || this.source === undefined) return entry;
    const state = this.source.get(subject);
    if (state === undefined) return undefined;
    const copy = entryFromJson(state, this.rulesOf(subject), this.policy);
    this.entries.set(subject, copy);
    if (copy.ban !== undefined) this.banned.add(subject);
    return copy;
  }

  /** @internal For `decideBatch`: whether the subject's state holds a ban (in force or ended), without reading its entry. */
  holdsBan(subject: string): boolean {
    if (this.banned.has(subject)) return true;
    return this.source !== undefined && !this.entries.has(subject) && this.source.get(subject)?.ban !== undefined;
  }

  /** @internal For `decideBatch`: gives the subject's entry a new ban. */
  setBan(subject: string, entry: SubjectEntry, ban: BanRecord): void {
    entry.ban = ban;
    this.banned.add(subject);
  }

  /** @internal For `decideBatch`: a new, empty entry for a subject that has none. */
  create(subject: string): SubjectEntry {
    const entry = new SubjectEntry();
    this.entries.set(subject, entry);
    return entry;
  }

  /** @internal For `decideBatch`: a number for the next batch, never 0 (which no entry's `changedIn` can match then). */
  nextBatch(): number {
    return ++this.batches;
  }

  private rulesOf(subject: string): readonly PolicyRule[] {
    const scope: SubjectScope | null = scopeOfSubject(subject);
    if (scope === null) throw new Error(`not a subject: "${subject}"`);
    return this.policy.rulesByScope[scope];
  }
}

function entryFromJson(state: SubjectState, rules: readonly PolicyRule[], policy: Policy): SubjectEntry {
  const entry = new SubjectEntry();
  if (state.ban !== undefined) entry.ban = { ...state.ban };
  if (state.secrets !== undefined) entry.secrets = { fps: [...state.secrets.fps], at: state.secrets.at };
  for (const name in state.rules) {
    const json = state.rules[name]!;
    const rule = policy.ruleByName.get(name);
    if (rule === undefined || rules[rule.slot] !== rule) {
      (entry.foreign ??= {})[name] = copyCounterState(json);
      continue;
    }
    const counter = newCounter(rule, rule.failuresPerSuccess > 0 || json.b !== undefined);
    counter.t = [...json.t];
    counter.ids = [...json.ids];
    if (json.a !== undefined) counter.a = json.a.map(parseShortKey);
    if (json.k !== undefined) counter.k = json.k.map(typoKeyFromJson);
    if (json.reset !== undefined) counter.reset = json.reset;
    if (json.b !== undefined && counter instanceof TallyCounter) {
      counter.b = json.b;
      counter.f = [...(json.f ?? [])];
      counter.s = [...(json.s ?? [])];
    }
    (entry.counters ??= new Array<RuleCounter | undefined>(rules.length).fill(undefined))[rule.slot] = counter;
  }
  return entry;
}

function entryToJson(entry: SubjectEntry, rules: readonly PolicyRule[]): SubjectState {
  const state: SubjectState = {};
  if (entry.ban !== undefined) state.ban = { ...entry.ban };
  let counters: Record<string, CounterState> | undefined;
  if (entry.counters !== undefined) {
    for (let slot = 0; slot < entry.counters.length; slot++) {
      const counter = entry.counters[slot];
      if (counter !== undefined) (counters ??= {})[rules[slot]!.name] = counterToJson(counter);
    }
  }
  for (const name in entry.foreign) (counters ??= {})[name] = copyCounterState(entry.foreign[name]!);
  if (counters !== undefined) state.rules = counters;
  if (entry.secrets !== undefined) state.secrets = { fps: [...entry.secrets.fps], at: entry.secrets.at };
  return state;
}

function counterToJson(counter: RuleCounter): CounterState {
  const json: CounterState = { t: [...counter.t], ids: [...counter.ids] };
  if (counter.a !== undefined) json.a = counter.a.map(formatShortKey);
  if (counter.reset !== undefined) json.reset = counter.reset;
  if (counter.k !== undefined) json.k = counter.k.map(typoKeyToJson);
  if (counter instanceof TallyCounter && counter.b !== undefined) {
    json.b = counter.b;
    json.f = [...counter.f!];
    json.s = [...counter.s!];
  }
  return json;
}

/** The JSON form writes a missing typo key as ''. */
function typoKeyFromJson(key: string): number {
  return key === '' ? NO_KEY : parseShortKey(key);
}

function typoKeyToJson(key: number): string {
  return key === NO_KEY ? '' : formatShortKey(key);
}

function copyCounterState(counter: CounterState): CounterState {
  return JSON.parse(JSON.stringify(counter)) as CounterState;
}
