import { Injectable } from '@nestjs/common';
import { banStatus, RangePrefixCounter, scopeOfSubject, sweepEndedBans, type ActiveBan, type BanStatus, type RangePrefixes } from '#warden/ban-policy';
import type { BanDecisionRecord } from '#warden/contracts';
import type { ConsumedRecord } from '#warden/kafka';

/** The latest decision on one subject, with where it sits in `auth.ban-decisions`. */
export interface ViewedDecision extends ActiveBan {
  readonly state: BanDecisionRecord['state'];
  readonly partition: number;
  readonly offset: number;
}

/** For each partition, the offset of the next record to read: how far a view (or a client) has got. */
export type DecisionPosition = ReadonlyMap<number, number>;

export type DecisionListener = (decisions: readonly ViewedDecision[], position: DecisionPosition) => void;

/**
 * The gateway's materialized view of `auth.ban-decisions`: per subject, its latest decision (what
 * compaction keeps). `check` and `status` read it with no I/O. A ban stops applying the moment its
 * `until` passes, whether or not an `expired` record has come; `sweep` then frees its memory.
 * Lifted decisions are kept until their `until` too, so a stream client that reconnects still
 * learns of the lift while it matters.
 *
 * The map is kept in the order decisions were applied (a changed subject moves to the end), which
 * is offset order within each partition: what the decision stream replays.
 */
@Injectable()
export class DecisionView {
  private readonly decisions = new Map<string, ViewedDecision>();
  private readonly position = new Map<number, number>();
  private readonly listeners = new Set<DecisionListener>();
  /** One string per rule name, however many decisions carry it. */
  private readonly rules = new Map<string, string>();
  /** The prefix lengths of the active range bans: what a check must mask the caller to. */
  private readonly rangeLengths = new RangePrefixCounter();

  get size(): number {
    return this.decisions.size;
  }

  apply(records: ReadonlyArray<ConsumedRecord<BanDecisionRecord>>): void {
    const applied: ViewedDecision[] = [];
    for (const { partition, offset, value } of records) {
      const at = Number(offset);
      if (at < (this.position.get(partition) ?? 0)) continue;
      this.position.set(partition, at + 1);
      const decision: ViewedDecision = {
        subject: value.subject,
        rule: this.intern(value.rule),
        level: value.level,
        until: Date.parse(value.until),
        visible: value.visible,
        state: value.state,
        partition,
        offset: at,
      };
      const former = this.decisions.get(decision.subject);
      if (former !== undefined) {
        this.countRange(former, -1);
        this.decisions.delete(decision.subject);
      }
      this.decisions.set(decision.subject, decision);
      this.countRange(decision, 1);
      applied.push(decision);
    }
    if (applied.length === 0) return;
    for (const listener of this.listeners) listener(applied, this.position);
  }

  /** The active ban of a subject, if any (its `until` is checked by `banStatus`). */
  activeBan(subject: string): ViewedDecision | undefined {
    const decision = this.decisions.get(subject);
    return decision?.state === 'active' ? decision : undefined;
  }

  /** Every active ban on these subjects at `at`: the policy library's answer (longest wins, 429 vs 401). */
  status(subjects: readonly string[], at: number): BanStatus {
    return banStatus(
      subjects.map((subject) => this.activeBan(subject)),
      at,
    );
  }

  /**
   * The prefix lengths of the range bans held active, per IP version (changes only when a range ban
   * of a new length comes or the last of a length goes): `checkSubjects` masks the caller to each.
   */
  rangePrefixes(): RangePrefixes {
    return this.rangeLengths.prefixes();
  }

  currentPosition(): DecisionPosition {
    return new Map(this.position);
  }

  /** The latest decision of each subject changed at or after `from`, in offset order per partition. */
  changedSince(from: DecisionPosition): ViewedDecision[] {
    const changed: ViewedDecision[] = [];
    for (const decision of this.decisions.values()) {
      if (decision.offset >= (from.get(decision.partition) ?? 0)) changed.push(decision);
    }
    return changed;
  }

  /** Calls `listener` with each applied batch and the view's position after it; returns the unsubscribe. */
  subscribe(listener: DecisionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Active bans at `now` per scope: lifted, expired and past-their-`until` ones are not counted. */
  activeBansByScope(now: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (const decision of this.decisions.values()) {
      if (decision.state !== 'active' || decision.until <= now) continue;
      const scope = scopeOfSubject(decision.subject) ?? 'other';
      counts.set(scope, (counts.get(scope) ?? 0) + 1);
    }
    return counts;
  }

  /** Frees the decisions whose `until` has passed: they no longer apply to anyone. */
  sweep(now: number): number {
    return sweepEndedBans(this.decisions, now, (_, decision) => this.countRange(decision, -1));
  }

  private countRange(decision: ViewedDecision, change: 1 | -1): void {
    if (decision.state !== 'active') return;
    if (change === 1) this.rangeLengths.add(decision.subject);
    else this.rangeLengths.remove(decision.subject);
  }

  private intern(rule: string): string {
    const known = this.rules.get(rule);
    if (known !== undefined) return known;
    this.rules.set(rule, rule);
    return rule;
  }
}
