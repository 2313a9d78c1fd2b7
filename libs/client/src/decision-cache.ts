import { banStatus, RangePrefixCounter, retryAfterSeconds, sweepEndedBans, type ActiveBan, type RangePrefixes } from '#warden/ban-policy';
import type { DecisionStreamEvent } from '#warden/contracts';
import { ALLOWED_FROM_CACHE, resultOfStatus, type CheckResult } from './check-result.js';

/** Each change of any cache takes the next number: a version seen once never comes back, in this cache or another. */
let versions = 0;

/**
 * The subjects of the checks from one address, with the bans a cache held on them when they were
 * last looked up (kept per address by the caller, reused until that cache changes), and the answer
 * while only one of them blocks and its Retry-After stays the same.
 */
export class SubjectLookup {
  version = -1;
  readonly bans: Array<ActiveBan | undefined>;
  answer: CheckResult | undefined;

  constructor(readonly keys: readonly string[]) {
    this.bans = keys.map(() => undefined);
  }
}

/**
 * The client's copy of the gateway's decision view: per subject, its active ban (times in epoch
 * ms). A `lifted` or `expired` decision removes the subject; an active ban stops applying the
 * moment its `until` passes, whether or not an `expired` decision comes (`banStatus` skips it),
 * and `sweep` frees it. The answer is the policy library's `banStatus`, as `/v1/check` gives it.
 */
export class DecisionCache {
  private readonly bans = new Map<string, ActiveBan>();
  /** One string per rule name, however many bans carry it. */
  private readonly rules = new Map<string, string>();
  /** The prefix lengths of the range bans held (a manual ban may name `range:10.0.0.0/8`). */
  private readonly rangeLengths = new RangePrefixCounter();
  /** Changes with every ban that comes or goes: a SubjectLookup of another version is looked up again. */
  private version = ++versions;

  get size(): number {
    return this.bans.size;
  }

  apply(decision: DecisionStreamEvent): void {
    this.version = ++versions;
    if (this.bans.delete(decision.subject)) this.rangeLengths.remove(decision.subject);
    if (decision.state !== 'active') return;
    this.rangeLengths.add(decision.subject);
    this.bans.set(decision.subject, {
      subject: decision.subject,
      rule: this.intern(decision.rule),
      level: decision.level,
      until: Date.parse(decision.until),
      visible: decision.visible,
    });
  }

  /** The ban held on `subject`, in force or past its `until` (not yet swept). */
  ban(subject: string): ActiveBan | undefined {
    return this.bans.get(subject);
  }

  /** The prefix lengths of the range bans held, for `checkSubjects(query, policy, cache.rangePrefixes())`. */
  rangePrefixes(): RangePrefixes {
    return this.rangeLengths.prefixes();
  }

  /**
   * `/v1/check`'s answer for these subjects at `at` (pass `checkSubjects(query, policy, this.rangePrefixes())`):
   * the policy library's `banStatus` of their bans. Most checks find no ban in force: those get
   * the one allowed answer without building the list `banStatus` reads.
   */
  answer(subjects: readonly string[], at: number): CheckResult {
    for (let i = 0; i < subjects.length; i++) {
      const ban = this.bans.get(subjects[i]!);
      if (ban !== undefined && ban.until > at) return resultOfStatus(banStatus(subjects.map((subject) => this.bans.get(subject)), at));
    }
    return ALLOWED_FROM_CACHE;
  }

  /**
   * `answer(subjects, at)` where `subjects` end with `lookup.keys` (`checkSubjectsAt`: an account's
   * subjects, then the address's own): the address's own are looked up again only when this cache
   * changed since `lookup` was last answered (a ban that ends by its `until` meanwhile is skipped
   * all the same). A refusal by one ban of the address alone is formed again only when its
   * Retry-After (whole seconds) changes.
   */
  answerFor(lookup: SubjectLookup, at: number, subjects: readonly string[] = lookup.keys): CheckResult {
    const { keys, bans } = lookup;
    if (lookup.version !== this.version) {
      for (let i = 0; i < keys.length; i++) bans[i] = this.bans.get(keys[i]!);
      lookup.version = this.version;
      lookup.answer = undefined;
    }
    const others = subjects.length - keys.length;
    let blocking: ActiveBan | undefined;
    let more = false;
    for (let i = 0; i < subjects.length; i++) {
      const ban = i < others ? this.bans.get(subjects[i]!) : bans[i - others];
      if (ban === undefined || ban.until <= at) continue;
      more = blocking !== undefined;
      blocking = ban;
    }
    if (blocking === undefined) return ALLOWED_FROM_CACHE;
    if (others > 0 || more) return resultOfStatus(banStatus(subjects.map((subject, i) => (i < others ? this.bans.get(subject) : bans[i - others])), at));
    // banStatus of a single ban depends on `at` through its Retry-After only.
    if (lookup.answer?.retryAfter !== retryAfterSeconds(blocking.until, at)) lookup.answer = resultOfStatus(banStatus(bans, at));
    return lookup.answer;
  }

  /**
   * Frees the bans whose `until` has passed; returns how many. No new version: a SubjectLookup
   * still holding one skips it as ended.
   */
  sweep(now: number): number {
    return sweepEndedBans(this.bans, now, (subject) => this.rangeLengths.remove(subject));
  }

  private intern(rule: string): string {
    const known = this.rules.get(rule);
    if (known !== undefined) return known;
    this.rules.set(rule, rule);
    return rule;
  }
}
