/**
 * The ban policy as one pure function: (state, attempts, policy) → (state, verdicts, decisions,
 * incidents). No I/O, no clock: all time is each attempt's event time (occurredAt clamped to
 * [receivedAt − 5 min, receivedAt]), so a replay of the same attempts gives the same bans.
 *
 * Attempts are decided one after the other in the order given, and everything a later attempt
 * needs is in the returned state: cutting a sequence into batches gives the same result as one
 * batch. Order and event time differ when reporters' clocks or batches disagree; how far the
 * result then depends on the order of arrival:
 * - counting rules (failures, attempts, identical credential, distinct accounts) place a late
 *   attempt at its event time: the same N attempts within W trigger a ban starting at the N-th's
 *   event time whatever order they came in — except that a counter keeps only the threshold − 1
 *   latest times, so a late attempt older than all of those is judged against them alone, and
 *   attempts made after a ban's start but decided before a late trigger are not escalated
 *   retroactively;
 * - failures in a row depend on order by meaning: a failure dated before the latest success
 *   already decided no longer counts, even if it arrived later;
 * - the repeated-secret memory ("the last 3 fingerprints") is the last 3 decided;
 * - a success forgives the failures of its account and IP decided before it (typos, DESIGN §7),
 *   not a failure dated before it that arrives after it; a rule weighing failures against
 *   successes counts both per tenth of its window, so its window is whole tenths;
 * - escalation while banned applies to failures dated within the ban (from its start).
 */
import type { PolicyAttempt } from './attempt.js';
import { banDuration, isActive, nextLevel } from './escalation.js';
import { eventTime } from './event-time.js';
import { buildIncident } from './incidents.js';
import type { BanChange, BanDecision, Incident, Verdict } from './outcome.types.js';
import type { Policy, PolicyRule } from './policy.types.js';
import { isRepeatedSecret, rememberSecret } from './repeated-secret.js';
import { cloneSubjectState, type BanRecord, type CounterState, type PolicyState, type SubjectState } from './state.js';
import { banStatus, type ActiveBan } from './status.js';
import { batchSubjects, type AttemptSubjects, type SubjectRef } from './subjects.js';
import {
  countAttempt,
  forgiveTypos,
  hasTypoToForgive,
  ruleCounts,
  tally,
  type CountedAttempt,
  type WindowFired,
} from './window-counter.js';

export interface DecideResult {
  /** Only the subjects this batch changed, by subject string: what the engine saves (each value is plain JSON). */
  readonly state: PolicyState;
  /** One per attempt, in the order given. */
  readonly verdicts: Verdict[];
  /** Bans imposed or escalated, in the order they happened (a subject may appear more than once). */
  readonly decisions: BanDecision[];
  readonly incidents: Incident[];
}

/**
 * Decides a batch. `state` (an object or a Map by subject string) must hold the state of every
 * subject the attempts form (`subjectKeysOf`), absent when the subject has none. The input is
 * never modified.
 */
export function decide(
  state: ReadonlyMap<string, SubjectState> | Readonly<Record<string, SubjectState>>,
  attempts: readonly PolicyAttempt[],
  policy: Policy,
): DecideResult {
  const run = new BatchRun(state, policy);
  const subjects = batchSubjects(attempts, policy);
  const verdicts = attempts.map((attempt, i) => run.decideAttempt(attempt, subjects[i]!));
  return { state: run.changedState(), verdicts, decisions: run.decisions, incidents: run.incidents };
}

/** One subject of the attempt being decided, with its state (the input's, or the batch's copy once owned). */
interface Slot {
  readonly subject: SubjectRef;
  state: SubjectState | undefined;
  owned: boolean;
}

class BatchRun {
  readonly decisions: BanDecision[] = [];
  readonly incidents: Incident[] = [];
  private readonly changed = new Map<string, SubjectState>();
  /** Looked up in a Map: keyed loads on a plain object with freshly built keys cost far more. */
  private readonly initial: ReadonlyMap<string, SubjectState>;
  /** This attempt imposed or escalated a ban that applies to it. */
  private trigger = false;
  /** …by reaching a threshold: the gateway answers 429 whatever the rule's visibility (Realpad). */
  private thresholdTrigger = false;

  constructor(
    initial: ReadonlyMap<string, SubjectState> | Readonly<Record<string, SubjectState>>,
    private readonly policy: Policy,
  ) {
    this.initial = initial instanceof Map ? initial : new Map(Object.entries(initial));
  }

  decideAttempt(attempt: PolicyAttempt, attemptSubjects: AttemptSubjects): Verdict {
    const { policy } = this;
    const at = eventTime(attempt.occurredAt, attempt.receivedAt);
    const { account, fingerprint, subjects } = attemptSubjects;
    const slots = subjects.map((subject) => this.slot(subject));
    const failure = attempt.outcome === 'failure';
    const accountSlot = account === null ? undefined : slots.find((slot) => slot.subject.scope === 'account');
    const tracksSecret = failure && fingerprint !== null && accountSlot !== undefined && policy.usesRepeatedSecret;
    const counted: CountedAttempt = {
      id: attempt.id,
      at,
      failure,
      account,
      // Subjects list the account-ip one first when there is an account.
      accountIp: account === null ? null : subjects[0]!.key,
      repeatedSecret: tracksSecret && isRepeatedSecret(accountSlot!.state?.secrets, fingerprint, at, policy),
    };
    this.trigger = false;
    this.thresholdTrigger = false;
    for (const slot of slots) this.decideSubject(slot, counted);
    if (tracksSecret) {
      const accountState = this.writable(accountSlot!);
      accountState.secrets = rememberSecret(accountState.secrets, fingerprint!, at, policy);
    }
    // Only bans in force count (banStatus would drop the others): most attempts have none.
    let bans: ActiveBan[] | undefined;
    for (const { subject, state } of slots) {
      const ban = subject.applies ? state?.ban : undefined;
      if (ban !== undefined && ban.until > at) {
        (bans ??= []).push({ subject: subject.key, rule: ban.rule, level: ban.level, until: ban.until, visible: ban.visible });
      }
    }
    const status = bans === undefined ? undefined : banStatus(bans, at);
    // A failed attempt made while banned escalates the ban without revealing it: an invisible ban
    // keeps answering 401 (Realpad); only the attempt that reached a threshold always gets 429.
    const gatewayStatus = this.thresholdTrigger ? 429 : (status?.gatewayStatus ?? null);
    return {
      attemptId: attempt.id,
      banned: status?.banned ?? false,
      retryAfter: status?.retryAfter ?? 0,
      until: status?.until ?? null,
      bans: status?.bans ?? [],
      trigger: this.trigger,
      gatewayStatus,
    };
  }

  /** The changed subjects, without counters left empty (removed only now: `delete` slows objects down). */
  changedState(): PolicyState {
    for (const subject of this.changed.values()) {
      const rules = subject.rules;
      if (rules === undefined) continue;
      let empty = 0;
      let count = 0;
      for (const name in rules) {
        count++;
        if (isEmptyCounter(rules[name]!)) empty++;
      }
      // Most subjects keep every counter: rebuild the object only when some must go.
      if (empty === 0) continue;
      if (empty === count) {
        delete subject.rules;
        continue;
      }
      const kept: Record<string, CounterState> = {};
      for (const name in rules) {
        const counter = rules[name]!;
        if (!isEmptyCounter(counter)) kept[name] = counter;
      }
      subject.rules = kept;
    }
    return this.changed;
  }

  private decideSubject(slot: Slot, attempt: CountedAttempt): void {
    const { subject } = slot;
    const ban = subject.allowlisted ? undefined : slot.state?.ban;
    const banRule = isActive(ban, attempt.at) && attempt.at >= ban.since ? this.policy.ruleByName.get(ban.rule) : undefined;
    const actedOn = banRule !== undefined && banRule.subject === subject.scope && ruleCounts(banRule, attempt);
    if (actedOn && banRule.escalating && banRule.mode === 'enforce') this.escalateWhileBanned(slot, banRule, attempt);
    for (const rule of this.policy.rulesByScope[subject.scope]) {
      const counts = ruleCounts(rule, attempt);
      // Typos (DESIGN §7): a rule weighing failures against successes tallies both, and a
      // success forgives its account's recent failures from its IP. Neither counts toward a ban.
      if (rule.failuresPerSuccess > 0 && (counts || !attempt.failure)) tally(rule, this.counter(slot, rule), attempt.at, attempt.failure);
      if (rule.forgiveTypos && !attempt.failure && hasTypoToForgive(slot.state?.rules?.[rule.name], attempt, this.policy.typos.windowMs)) {
        forgiveTypos(this.counter(slot, rule), attempt, this.policy.typos.windowMs);
      }
      // An attempt counted by the rule that banned the subject has been acted on (escalated, or
      // absorbed by a fixed ban): it does not also start the count toward the next ban.
      if (actedOn && rule === banRule) continue;
      // A success counts for no rule; it only ends a row of failures, and where no row was
      // started there is nothing to end, nor a state to write (most logins are successes).
      if (!counts && (rule.kind !== 'failures-in-a-row' || slot.state?.rules?.[rule.name] === undefined)) continue;
      const counter = this.counter(slot, rule);
      const fired = countAttempt(rule, counter, attempt);
      if (fired !== null) this.thresholdReached(subject, slot.state!, rule, fired, attempt);
    }
  }

  /** The rule's counter in the subject's state, to change. */
  private counter(slot: Slot, rule: PolicyRule): CounterState {
    const rules = (this.writable(slot).rules ??= {});
    return (rules[rule.name] ??= { t: [], ids: [] });
  }

  /** Realpad: a further failed attempt while banned raises the level and restarts the ban from it. */
  private escalateWhileBanned(slot: Slot, rule: PolicyRule, attempt: CountedAttempt): void {
    const state = this.writable(slot);
    const ban = state.ban!;
    const level = ban.level + 1;
    const until = Math.max(ban.until, attempt.at + banDuration(rule, level, this.policy));
    this.setBan(slot.subject, state, rule, { level, since: attempt.at, until }, attempt.id, [attempt.id], 'ban_escalated', false);
  }

  private thresholdReached(subject: SubjectRef, state: SubjectState, rule: PolicyRule, fired: WindowFired, attempt: CountedAttempt): void {
    const previous = state.ban;
    const level = nextLevel(previous, fired.at, this.policy);
    const until = fired.at + banDuration(rule, level, this.policy);
    const escalates = !subject.allowlisted && isActive(previous, fired.at);
    const type: BanChange = escalates ? 'ban_escalated' : 'ban_imposed';
    if (subject.allowlisted || rule.mode === 'simulate') {
      this.incidents.push(
        buildIncident(
          { type: subject.allowlisted ? 'allowlist_hit' : type, subject: subject.key, scope: subject.scope, rule, level, until,
            attemptId: attempt.id, attemptIds: fired.attemptIds, at: fired.at, thresholdReached: true },
          this.policy,
        ),
      );
      return;
    }
    // Already banned for longer (by another rule, or by hand): nothing to add.
    if (escalates && until <= previous!.until) return;
    this.setBan(subject, state, rule, { level, since: fired.at, until }, attempt.id, fired.attemptIds, type, true);
  }

  private setBan(
    subject: SubjectRef,
    state: SubjectState,
    rule: PolicyRule,
    ban: Pick<BanRecord, 'level' | 'since' | 'until'>,
    attemptId: string,
    attemptIds: readonly string[],
    type: BanChange,
    thresholdReached: boolean,
  ): void {
    const { policy } = this;
    state.ban = {
      rule: rule.name,
      level: ban.level,
      since: ban.since,
      until: ban.until,
      visible: rule.visible,
      attemptId,
      policy: policy.version,
    };
    this.decisions.push({
      type,
      subject: subject.key,
      scope: subject.scope,
      rule: rule.name,
      level: ban.level,
      since: ban.since,
      until: ban.until,
      visible: rule.visible,
      attemptId,
      attemptIds,
      policyVersion: policy.version,
    });
    this.incidents.push(
      buildIncident(
        { type, subject: subject.key, scope: subject.scope, rule, level: ban.level, until: ban.until, attemptId, attemptIds,
          at: ban.since, thresholdReached },
        policy,
      ),
    );
    if (subject.applies) {
      this.trigger = true;
      this.thresholdTrigger ||= thresholdReached;
    }
  }

  /** A subject's state for the attempt being decided, looked up once. */
  private slot(subject: SubjectRef): Slot {
    const changed = this.changed.get(subject.key);
    return changed !== undefined
      ? { subject, state: changed, owned: true }
      : { subject, state: this.initial.get(subject.key), owned: false };
  }

  /** The state to change: the batch's own copy, made at the subject's first change in the batch. */
  private writable(slot: Slot): SubjectState {
    if (!slot.owned) {
      slot.state = cloneSubjectState(slot.state);
      slot.owned = true;
      this.changed.set(slot.subject.key, slot.state);
    }
    return slot.state!;
  }
}

function isEmptyCounter(counter: CounterState): boolean {
  return counter.t.length === 0 && counter.reset === undefined && counter.b === undefined;
}
