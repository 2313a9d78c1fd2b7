import { banStatus, RangePrefixCounter, sweepEndedBans, type ActiveBan, type BanStatus, type RangePrefixes } from '#warden/ban-policy';
import type { DecisionStreamEvent } from '#warden/contracts';

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

  get size(): number {
    return this.bans.size;
  }

  apply(decision: DecisionStreamEvent): void {
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

  /** The prefix lengths of the range bans held, for `checkSubjects(query, policy, cache.rangePrefixes())`. */
  rangePrefixes(): RangePrefixes {
    return this.rangeLengths.prefixes();
  }

  /** Every ban in force on these subjects at `at` (pass `checkSubjects(query, policy, this.rangePrefixes())`). */
  status(subjects: readonly string[], at: number): BanStatus {
    const bans: Array<ActiveBan | undefined> = [];
    for (const subject of subjects) bans.push(this.bans.get(subject));
    return banStatus(bans, at);
  }

  /** Frees the bans whose `until` has passed; returns how many. */
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
