import type { PolicyAttempt } from '../attempt.js';
import { decide } from '../decide.js';
import { eventTime } from '../event-time.js';
import { normalizeAccount } from '#warden/contracts';
import type { BanDecision, GatewayStatus } from '../outcome.types.js';
import type { Policy, SubjectScope } from '../policy.types.js';
import { isPrunable } from '../prune.js';
import type { SubjectState } from '../state.js';
import { addressSubjectsOf, type AddressSubjects } from '../subjects.js';
import type {
  BacktestReport,
  BanGroup,
  BanSet,
  FalsePositive,
  GatewayAnswer,
  PolicySummary,
} from './backtest-report.types.js';

const MINUTE_MS = 60_000;
/** Batches between two prunings of the replayed state (subjects whose state no longer matters). */
const PRUNE_EVERY_BATCHES = 64;

interface BanSeen {
  readonly subject: string;
  readonly scope: SubjectScope;
  readonly rule: string;
}

/** One policy's replay: its state, the bans it made (first decision per subject and rule) and its answers. */
class PolicyReplay {
  readonly state = new Map<string, SubjectState>();
  /** By `subject|rule`, in the order first decided. */
  readonly bans = new Map<string, BanSeen>();
  readonly bannedSubjects = new Set<string>();
  readonly answers: Record<GatewayAnswer, number> = { allow: 0, '401': 0, '429': 0 };
  imposed = 0;
  escalated = 0;
  readonly bansPerMinute = new Map<number, number>();
  /** This batch's answers, one per attempt. */
  batchAnswers: GatewayAnswer[] = [];

  constructor(readonly policy: Policy) {}

  replay(batch: readonly PolicyAttempt[]): BanDecision[] {
    const result = decide(this.state, batch, this.policy);
    for (const [subject, state] of result.state) this.state.set(subject, state);
    this.batchAnswers = result.verdicts.map((verdict) => answerOf(verdict.gatewayStatus));
    for (const answer of this.batchAnswers) this.answers[answer]++;
    const fresh: BanDecision[] = [];
    for (const decision of result.decisions) {
      if (decision.type === 'ban_imposed') this.imposed++;
      else this.escalated++;
      const minute = Math.floor(decision.since / MINUTE_MS) * MINUTE_MS;
      this.bansPerMinute.set(minute, (this.bansPerMinute.get(minute) ?? 0) + 1);
      const key = `${decision.subject}|${decision.rule}`;
      if (this.bans.has(key)) continue;
      this.bans.set(key, { subject: decision.subject, scope: decision.scope, rule: decision.rule });
      this.bannedSubjects.add(decision.subject);
      fresh.push(decision);
    }
    return fresh;
  }

  prune(at: number): void {
    for (const [subject, state] of this.state) if (isPrunable(state, this.policy, at)) this.state.delete(subject);
  }

  summary(): PolicySummary {
    const byRule: Record<string, number> = {};
    for (const ban of this.bans.values()) byRule[ban.rule] = (byRule[ban.rule] ?? 0) + 1;
    return {
      policyVersion: this.policy.version,
      bans: { subjects: this.bannedSubjects.size, imposed: this.imposed, escalated: this.escalated, byRule: sortedRecord(byRule) },
      answers: { ...this.answers },
    };
  }
}

/**
 * Replays recorded attempts, in their recorded order, through two policies side by side — the
 * baseline (the running policy) and a candidate — and reports how they differ: the bans only one
 * of them makes, the candidate's likely false positives, the attacks it lets through and the
 * attempts answered differently. Pure and deterministic: the same attempts and policies give the
 * same report, whatever the batches they come in. The caller streams the attempts in batches.
 */
export class PolicyBacktest {
  private readonly baseline: PolicyReplay;
  private readonly candidate: PolicyReplay;
  private attempts = 0;
  private firstAt: number | null = null;
  private lastAt: number | null = null;
  private latestReceivedAt = -Infinity;
  private batches = 0;
  private readonly changes = new Map<string, number>();
  private readonly changesPerMinute = new Map<number, number>();
  /** Candidate bans waiting for a success of the account and IP of the attempt that triggered them, by `account|ip`. */
  private readonly awaitingSuccess = new Map<string, BanSeen[]>();
  /** Candidate range bans, with the successes and failures of their network from the ban on. */
  private readonly bannedRanges = new Map<string, { ban: BanSeen; successes: number; failures: number }>();
  private readonly falsePositives = new Map<string, FalsePositive>();

  constructor(baseline: Policy, candidate: Policy, private readonly sample = 20) {
    this.baseline = new PolicyReplay(baseline);
    this.candidate = new PolicyReplay(candidate);
  }

  /** Replays the next attempts (the recorded order continues across calls). */
  replay(batch: readonly PolicyAttempt[]): void {
    if (batch.length === 0) return;
    this.baseline.replay(batch);
    const fresh = this.candidate.replay(batch);
    const addresses = new Map<string, AddressSubjects>();
    const address = (ip: string) => {
      let found = addresses.get(ip);
      if (found === undefined) addresses.set(ip, (found = addressSubjectsOf(ip, this.candidate.policy)));
      return found;
    };
    // A ban is judged from the attempt after the one that triggered it.
    const freshByTrigger = new Map<string, BanDecision[]>();
    for (const decision of fresh) {
      const list = freshByTrigger.get(decision.attemptId);
      if (list === undefined) freshByTrigger.set(decision.attemptId, [decision]);
      else list.push(decision);
    }
    const watch = this.awaitingSuccess.size > 0 || this.bannedRanges.size > 0 || fresh.length > 0;
    for (let i = 0; i < batch.length; i++) {
      const attempt = batch[i]!;
      const at = eventTime(attempt.occurredAt, attempt.receivedAt);
      this.firstAt = this.firstAt === null ? at : Math.min(this.firstAt, at);
      this.lastAt = this.lastAt === null ? at : Math.max(this.lastAt, at);
      this.latestReceivedAt = Math.max(this.latestReceivedAt, attempt.receivedAt);
      const before = this.baseline.batchAnswers[i]!;
      const after = this.candidate.batchAnswers[i]!;
      if (before !== after) {
        const change = `${before}→${after}`;
        this.changes.set(change, (this.changes.get(change) ?? 0) + 1);
        const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
        this.changesPerMinute.set(minute, (this.changesPerMinute.get(minute) ?? 0) + 1);
      }
      if (!watch) continue;
      this.judge(attempt, address);
      const triggered = freshByTrigger.get(attempt.id);
      if (triggered !== undefined) this.watch(triggered, attempt, address);
    }
    this.attempts += batch.length;
    if (++this.batches % PRUNE_EVERY_BATCHES === 0) {
      this.baseline.prune(this.latestReceivedAt);
      this.candidate.prune(this.latestReceivedAt);
    }
  }

  report(): BacktestReport {
    const onlyCandidate = difference(this.candidate, this.baseline);
    const onlyBaseline = difference(this.baseline, this.candidate);
    const letThrough: BanSeen[] = [];
    const seen = new Set<string>();
    for (const ban of this.baseline.bans.values()) {
      if (this.candidate.bannedSubjects.has(ban.subject) || seen.has(ban.subject)) continue;
      seen.add(ban.subject);
      letThrough.push(ban);
    }
    for (const [subject, range] of this.bannedRanges) {
      if (range.successes > range.failures && !this.falsePositives.has(subject)) {
        this.falsePositives.set(subject, { subject, rule: range.ban.rule, reason: 'network-succeeds-more', successes: range.successes, failures: range.failures });
      }
    }
    const falsePositives = [...this.falsePositives.values()];
    const minutes = [...new Set([...this.baseline.bansPerMinute.keys(), ...this.candidate.bansPerMinute.keys()])].sort((a, b) => a - b);
    return {
      attempts: this.attempts,
      from: this.firstAt === null ? null : new Date(this.firstAt).toISOString(),
      to: this.lastAt === null ? null : new Date(this.lastAt).toISOString(),
      baseline: this.baseline.summary(),
      candidate: this.candidate.summary(),
      diff: {
        onlyCandidate: this.banSet(onlyCandidate),
        onlyBaseline: this.banSet(onlyBaseline),
        likelyFalsePositives: { count: falsePositives.length, items: falsePositives.slice(0, this.sample) },
        attacksLetThrough: {
          count: letThrough.length,
          subjects: letThrough.slice(0, this.sample).map(({ subject, rule }) => ({ subject, rule })),
        },
        answeredDifferently: {
          count: [...this.changes.values()].reduce((sum, n) => sum + n, 0),
          byChange: sortedRecord(Object.fromEntries(this.changes)),
          perMinute: [...this.changesPerMinute].sort(([a], [b]) => a - b).map(([minute, count]) => ({ minute: new Date(minute).toISOString(), count })),
        },
        bansPerMinute: minutes.map((minute) => ({
          minute: new Date(minute).toISOString(),
          baseline: this.baseline.bansPerMinute.get(minute) ?? 0,
          candidate: this.candidate.bansPerMinute.get(minute) ?? 0,
        })),
      },
    };
  }

  /** A candidate ban is a likely false positive once its network succeeds more than it fails, or its trigger's owner logs in. */
  private judge(attempt: PolicyAttempt, address: (ip: string) => AddressSubjects): void {
    const where = address(attempt.ip);
    const range = this.bannedRanges.get(where.rangeKey);
    if (range !== undefined) {
      if (attempt.outcome === 'success') range.successes++;
      else range.failures++;
    }
    if (attempt.outcome !== 'success' || this.awaitingSuccess.size === 0) return;
    const account = normalizeAccount(attempt.account);
    if (account === null) return;
    const key = `${account}|${where.text}`;
    const bans = this.awaitingSuccess.get(key);
    if (bans === undefined) return;
    this.awaitingSuccess.delete(key);
    for (const ban of bans) {
      if (!this.falsePositives.has(ban.subject)) {
        this.falsePositives.set(ban.subject, { subject: ban.subject, rule: ban.rule, reason: 'later-success', account, ip: where.text });
      }
    }
  }

  private watch(decisions: readonly BanDecision[], trigger: PolicyAttempt, address: (ip: string) => AddressSubjects): void {
    const account = normalizeAccount(trigger.account);
    for (const decision of decisions) {
      const ban: BanSeen = { subject: decision.subject, scope: decision.scope, rule: decision.rule };
      if (decision.scope === 'range' && !this.bannedRanges.has(decision.subject)) {
        this.bannedRanges.set(decision.subject, { ban, successes: 0, failures: 0 });
      }
      if (account === null) continue;
      const key = `${account}|${address(trigger.ip).text}`;
      const waiting = this.awaitingSuccess.get(key);
      if (waiting === undefined) this.awaitingSuccess.set(key, [ban]);
      else waiting.push(ban);
    }
  }

  private banSet(bans: readonly BanSeen[]): BanSet {
    const groups = new Map<string, { rule: string; scope: SubjectScope; subjects: string[] }>();
    for (const ban of bans) {
      const key = `${ban.rule}|${ban.scope}`;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { rule: ban.rule, scope: ban.scope, subjects: [] }));
      group.subjects.push(ban.subject);
    }
    const byRule: BanGroup[] = [...groups.values()]
      .sort((a, b) => (a.rule === b.rule ? a.scope.localeCompare(b.scope) : a.rule < b.rule ? -1 : 1))
      .map(({ rule, scope, subjects }) => ({ rule, scope, count: subjects.length, subjects: subjects.slice(0, this.sample) }));
    return { count: bans.length, byRule };
  }
}

function difference(from: PolicyReplay, other: PolicyReplay): BanSeen[] {
  return [...from.bans].filter(([key]) => !other.bans.has(key)).map(([, ban]) => ban);
}

function answerOf(status: GatewayStatus): GatewayAnswer {
  return status === null ? 'allow' : status === 429 ? '429' : '401';
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
