/**
 * The ban policy: (state, attempts, policy) → (state, verdicts, decisions, incidents). No I/O, no
 * clock: all time is each attempt's event time (occurredAt clamped to [receivedAt − 5 min,
 * receivedAt]), so a replay of the same attempts gives the same bans. Two ways in, one rule:
 * - `decideBatch(states, attempts)` decides over a `SubjectStates` its caller owns and keeps
 *   across batches (a stage partition's subjects, in memory), changing it in place; it
 *   returns the verdicts, decisions and incidents, and which subjects changed (what a checkpoint
 *   saves, with `states.toJson(subject)`). Nothing else is read or written: the caller must not
 *   share the store between two batches at once.
 * - `decide(state, attempts, policy)` is the same as a pure function of plain JSON: the input is
 *   never modified, and the result holds the changed subjects' new state as plain JSON.
 * Both give the same results for the same attempts, state and policy.
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
import type { BanChange, BanDecision, BanItem, Incident, Verdict } from './outcome.types.js';
import { SUBJECT_SCOPES, type Policy, type PolicyRule, type SubjectScope } from './policy.types.js';
import { isRepeatedSecret, rememberSecret } from './repeated-secret.js';
import type { BanRecord, PolicyState, SubjectState } from './state.js';
import { banStatus, type ActiveBan } from './status.js';
import { SubjectStates, type SubjectEntry } from './subject-states.js';
import { formSubjects, type AttemptSubjects, type SubjectRef } from './subjects.js';
import {
  countAttempt,
  CountedAttempt,
  forgiveTypos,
  hasTypoToForgive,
  newCounter,
  RuleCounter,
  ruleActsOnSuccess,
  ruleCounts,
  tally,
  TallyCounter,
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

export interface BatchOutcome {
  /** One per attempt, in the order given. */
  readonly verdicts: Verdict[];
  /** Bans imposed or escalated, in the order they happened (a subject may appear more than once). */
  readonly decisions: BanDecision[];
  readonly incidents: Incident[];
  /** The subjects whose state the batch changed, each once, in the order first changed. */
  readonly changed: string[];
}

/**
 * Decides a batch as a pure function. `state` (an object or a Map by subject string) must hold
 * the state of every subject the attempts form (`subjectKeysOf`), absent when the subject has
 * none. The input is never modified.
 */
export function decide(
  state: ReadonlyMap<string, SubjectState> | Readonly<Record<string, SubjectState>>,
  attempts: readonly PolicyAttempt[],
  policy: Policy,
): DecideResult {
  const states = new SubjectStates(policy, state instanceof Map ? state : new Map(Object.entries(state)));
  const outcome = decideBatch(states, attempts);
  const changed: PolicyState = new Map();
  for (const subject of outcome.changed) changed.set(subject, states.toJson(subject)!);
  return { state: changed, verdicts: outcome.verdicts, decisions: outcome.decisions, incidents: outcome.incidents };
}

/**
 * Decides a batch over `states`, with their policy, changing them in place (see the header).
 * `states` must hold the state of every subject the attempts form that has one. Throws
 * InvalidIpAddressError for an address that does not parse: validate at the edge.
 */
export function decideBatch(states: SubjectStates, attempts: readonly PolicyAttempt[]): BatchOutcome {
  const { policy } = states;
  const run = new BatchRun(states, policy);
  // Each attempt's subjects are formed just before it is decided, so that they die young; an
  // address is parsed once while the store keeps it, however many attempts come from it.
  const addresses = states.addresses;
  const verdicts = new Array<Verdict>(attempts.length);
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!;
    verdicts[i] = run.decideAttempt(attempt, formSubjects(attempt, addresses.of(attempt.ip), policy));
  }
  run.dropEmptyCounters();
  return { verdicts, decisions: run.decisions, incidents: run.incidents, changed: run.changed };
}

/**
 * Per scope, whether the rules may read or change the state of an attempt's subject of that scope
 * besides its ban: on a success, only the rules that act on one (`ruleActsOnSuccess`); on a
 * failure, any rule, and an account's fingerprint memory.
 */
function scopesRead(policy: Policy, failure: boolean): Record<SubjectScope, boolean> {
  const read = {} as Record<SubjectScope, boolean>;
  for (const scope of SUBJECT_SCOPES) {
    const rules = policy.rulesByScope[scope];
    read[scope] = failure ? rules.length > 0 || (scope === 'account' && policy.usesRepeatedSecret) : rules.some(ruleActsOnSuccess);
  }
  return read;
}

/** A verdict's bans when none applies (most attempts): one frozen array for all of them. */
const NO_BANS: readonly BanItem[] = Object.freeze([]);

class BatchRun {
  readonly decisions: BanDecision[] = [];
  readonly incidents: Incident[] = [];
  readonly changed: string[] = [];
  private readonly changedEntries: SubjectEntry[] = [];
  private readonly batch: number;
  /** The entries of the attempt being decided, by the index of its subject (one lookup each). */
  private readonly entries: (SubjectEntry | undefined)[] = [];
  /** The bans in force on the attempt being decided (one array for the whole batch). */
  private readonly bans: ActiveBan[] = [];
  /** The attempt being decided, as the counters read it: one object for the whole batch. */
  private readonly counted = new CountedAttempt();
  /** This attempt imposed or escalated a ban that applies to it. */
  private trigger = false;
  /** …by reaching a threshold: the gateway answers 429 whatever the rule's visibility (Realpad). */
  private thresholdTrigger = false;
  /** Per scope, whether a success's or a failure's subject of it is read beyond its ban (`scopesRead`). */
  private readonly readOnSuccess: Readonly<Record<SubjectScope, boolean>>;
  private readonly readOnFailure: Readonly<Record<SubjectScope, boolean>>;

  constructor(
    private readonly states: SubjectStates,
    private readonly policy: Policy,
  ) {
    this.batch = states.nextBatch();
    this.readOnSuccess = scopesRead(policy, false);
    this.readOnFailure = scopesRead(policy, true);
  }

  decideAttempt(attempt: PolicyAttempt, attemptSubjects: AttemptSubjects): Verdict {
    const { policy, entries } = this;
    const at = eventTime(attempt.occurredAt, attempt.receivedAt);
    const { account, fingerprint, subjects } = attemptSubjects;
    const failure = attempt.outcome === 'failure';
    const read = failure ? this.readOnFailure : this.readOnSuccess;
    let accountIndex = -1;
    for (let j = 0; j < subjects.length; j++) {
      const subject = subjects[j]!;
      // Of a subject no rule counts this attempt on, only a ban matters: most have none, and the
      // store's set of banned subjects says so without a lookup in the whole store.
      entries[j] = read[subject.scope] || this.states.holdsBan(subject.key) ? this.states.entry(subject.key) : undefined;
      if (subject.scope === 'account') accountIndex = j;
    }
    const tracksSecret = failure && fingerprint !== null && accountIndex >= 0 && policy.usesRepeatedSecret;
    const counted = this.counted;
    counted.set(
      attempt.id,
      at,
      failure,
      account,
      // Subjects list the account-ip one first when there is an account.
      account === null ? null : subjects[0]!.key,
      tracksSecret && isRepeatedSecret(entries[accountIndex]?.secrets, fingerprint, at, policy),
    );
    this.trigger = false;
    this.thresholdTrigger = false;
    for (let j = 0; j < subjects.length; j++) this.decideSubject(j, subjects[j]!, counted);
    if (tracksSecret) {
      const accountState = this.writable(accountIndex, subjects[accountIndex]!);
      accountState.secrets = rememberSecret(accountState.secrets, fingerprint!, at, policy);
    }
    // Only bans in force count (banStatus would drop the others): most attempts have none.
    const bans = this.bans;
    bans.length = 0;
    for (let j = 0; j < subjects.length; j++) {
      const subject = subjects[j]!;
      const ban = subject.applies ? entries[j]?.ban : undefined;
      if (ban !== undefined && ban.until > at) bans.push({ subject: subject.key, rule: ban.rule, level: ban.level, until: ban.until, visible: ban.visible });
    }
    const status = bans.length === 0 ? undefined : banStatus(bans, at);
    // A failed attempt made while banned escalates the ban without revealing it: an invisible ban
    // keeps answering 401 (Realpad); only the attempt that reached a threshold always gets 429.
    const gatewayStatus = this.thresholdTrigger ? 429 : (status?.gatewayStatus ?? null);
    return {
      attemptId: attempt.id,
      banned: status?.banned ?? false,
      retryAfter: status?.retryAfter ?? 0,
      until: status?.until ?? null,
      bans: status?.bans ?? NO_BANS,
      trigger: this.trigger,
      gatewayStatus,
    };
  }

  /** Counters the batch left empty go now, not as they empty (a later attempt may still write them), so batches cut anywhere agree. */
  dropEmptyCounters(): void {
    for (const entry of this.changedEntries) {
      const counters = entry.counters;
      if (counters !== undefined) {
        let kept = 0;
        for (let slot = 0; slot < counters.length; slot++) {
          const counter = counters[slot];
          if (counter === undefined) continue;
          if (counter.isEmpty()) counters[slot] = undefined;
          else kept++;
        }
        if (kept === 0) entry.counters = undefined;
      }
      const foreign = entry.foreign;
      if (foreign !== undefined) {
        for (const name in foreign) {
          const counter = foreign[name]!;
          if (counter.t.length === 0 && counter.reset === undefined && counter.b === undefined) delete foreign[name];
        }
        if (Object.keys(foreign).length === 0) entry.foreign = undefined;
      }
    }
  }

  private decideSubject(j: number, subject: SubjectRef, attempt: CountedAttempt): void {
    const { policy, entries } = this;
    const ban = subject.allowlisted ? undefined : entries[j]?.ban;
    const banRule = isActive(ban, attempt.at) && attempt.at >= ban.since ? policy.ruleByName.get(ban.rule) : undefined;
    const actedOn = banRule !== undefined && banRule.subject === subject.scope && ruleCounts(banRule, attempt);
    if (actedOn && banRule.escalating && banRule.mode === 'enforce') this.escalateWhileBanned(j, subject, banRule, attempt);
    const rules = policy.rulesByScope[subject.scope];
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      const counts = ruleCounts(rule, attempt);
      // Typos (DESIGN §7): a rule weighing failures against successes tallies both, and a
      // success forgives its account's recent failures from its IP. Neither counts toward a ban.
      if (rule.failuresPerSuccess > 0 && (counts || !attempt.failure)) {
        const counter = this.counter(j, subject, rule);
        // Such a rule's counter is a TallyCounter (`newCounter`).
        if (counter instanceof TallyCounter) tally(rule, counter, attempt.at, attempt.failure);
      }
      if (rule.forgiveTypos && !attempt.failure && hasTypoToForgive(entries[j]?.counters?.[rule.slot], attempt, policy.typos.windowMs)) {
        forgiveTypos(this.counter(j, subject, rule), attempt, policy.typos.windowMs);
      }
      // An attempt counted by the rule that banned the subject has been acted on (escalated, or
      // absorbed by a fixed ban): it does not also start the count toward the next ban.
      if (actedOn && rule === banRule) continue;
      // A success counts for no rule; it only ends a row of failures, and where no row was
      // started there is nothing to end, nor a state to write (most logins are successes).
      if (!counts && (rule.kind !== 'failures-in-a-row' || entries[j]?.counters?.[rule.slot] === undefined)) continue;
      const fired = countAttempt(rule, this.counter(j, subject, rule), attempt);
      if (fired !== null) this.thresholdReached(j, subject, rule, fired, attempt);
    }
  }

  /** The rule's counter in the subject's state, to change. */
  private counter(j: number, subject: SubjectRef, rule: PolicyRule): RuleCounter {
    const entry = this.writable(j, subject);
    const counters = (entry.counters ??= new Array<RuleCounter | undefined>(this.policy.rulesByScope[subject.scope].length).fill(undefined));
    return (counters[rule.slot] ??= newCounter(rule));
  }

  /** Realpad: a further failed attempt while banned raises the level and restarts the ban from it. */
  private escalateWhileBanned(j: number, subject: SubjectRef, rule: PolicyRule, attempt: CountedAttempt): void {
    const state = this.writable(j, subject);
    const ban = state.ban!;
    const level = ban.level + 1;
    const until = Math.max(ban.until, attempt.at + banDuration(rule, level, this.policy));
    this.setBan(subject, state, rule, level, attempt.at, until, attempt.id, [attempt.id], 'ban_escalated', false);
  }

  private thresholdReached(j: number, subject: SubjectRef, rule: PolicyRule, fired: WindowFired, attempt: CountedAttempt): void {
    const state = this.entries[j]!;
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
    this.setBan(subject, state, rule, level, fired.at, until, attempt.id, fired.attemptIds, type, true);
  }

  private setBan(
    subject: SubjectRef,
    state: SubjectEntry,
    rule: PolicyRule,
    level: number,
    since: number,
    until: number,
    attemptId: string,
    attemptIds: readonly string[],
    type: BanChange,
    thresholdReached: boolean,
  ): void {
    const { policy } = this;
    const ban: BanRecord = { rule: rule.name, level, since, until, visible: rule.visible, attemptId, policy: policy.version };
    this.states.setBan(subject.key, state, ban);
    this.decisions.push({
      type,
      subject: subject.key,
      scope: subject.scope,
      rule: rule.name,
      level,
      since,
      until,
      visible: rule.visible,
      attemptId,
      attemptIds,
      policyVersion: policy.version,
    });
    this.incidents.push(
      buildIncident(
        { type, subject: subject.key, scope: subject.scope, rule, level, until, attemptId, attemptIds, at: since, thresholdReached },
        policy,
      ),
    );
    if (subject.applies) {
      this.trigger = true;
      this.thresholdTrigger ||= thresholdReached;
    }
  }

  /** The subject's entry, to change: made when it has none, listed as changed at its first change in the batch. */
  private writable(j: number, subject: SubjectRef): SubjectEntry {
    let entry = this.entries[j];
    if (entry === undefined) {
      entry = this.states.create(subject.key);
      this.entries[j] = entry;
    }
    if (entry.changedIn !== this.batch) {
      entry.changedIn = this.batch;
      this.changed.push(subject.key);
      this.changedEntries.push(entry);
    }
    return entry;
  }
}
