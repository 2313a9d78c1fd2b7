import { decideBatch, eventTime, type Verdict } from '#warden/ban-policy';
import { Topic, type LoginAttemptEvent, type VerdictRecord } from '#warden/contracts';
import type { BansSaga } from '../bans/bans.saga.js';
import { pairBansWithIncidents } from '../bans/decided-bans.js';
import { policyAttempt } from '../decisions/policy-attempt.js';
import { incidentRecord } from '../decisions/wire-records.js';
import type { BatchOutcome } from './batch-outcome.js';
import type { PartitionState } from './partition-state.js';

export const BAN_TOPICS = { decisions: Topic.banDecisions, incidents: Topic.incidents } as const;

/** An attempt to decide with its event time (epoch ms, `attemptTime`), read once from its record. */
export interface TimedAttempt<A> {
  readonly attempt: A;
  readonly at: number;
}

/** An attempt of a run, decided now (`verdict`), or seen before (`repeatOf`: its id, whose first verdict answers it). */
export type RunResult = { readonly attempt: LoginAttemptEvent } & ({ readonly verdict: Verdict } | { readonly repeatOf: string });

/**
 * Decides a run of attempts (consecutive in the partition's log) with the stage's policy against
 * the partition's state as the batch has changed it so far: each id once (a resent one is a
 * repeat), the bans through the saga, every outcome into `outcome`. Returns one result per attempt, in order.
 */
export async function decideRun(
  run: ReadonlyArray<TimedAttempt<LoginAttemptEvent>>,
  { saga, state, outcome }: { saga: BansSaga; state: PartitionState; outcome: BatchOutcome },
): Promise<RunResult[]> {
  const inRun = new Set<string>();
  const fresh: Array<TimedAttempt<LoginAttemptEvent>> = [];
  for (const item of run) {
    const { id } = item.attempt;
    if (state.recent.has(id) || outcome.decided.has(id) || inRun.has(id)) continue;
    inRun.add(id);
    fresh.push(item);
  }
  const policyAttempts = fresh.map(({ attempt, at }) => policyAttempt(attempt, at));
  const decided = decideBatch(state.subjects, policyAttempts);
  for (const subject of decided.changed) outcome.changed.set(subject, state.subjects.toJson(subject)!);
  // A ban imposed or escalated waits for its end (the older end of an escalated one is then stale).
  for (const { subject, until } of decided.decisions) state.expiries.push({ until, subject });
  const { bans, otherIncidents } = pairBansWithIncidents(decided.decisions, decided.incidents);
  outcome.recordBans(BAN_TOPICS, await saga.run(bans));
  for (const incident of otherIncidents) outcome.publish(Topic.incidents, { key: incident.subject, value: JSON.stringify(incidentRecord(incident)) });
  for (const { rule, type, simulated } of decided.incidents) outcome.policyDecisions.push({ rule, type, simulated });
  for (const { at } of fresh) {
    outcome.seen(at);
    if (at > state.streamTime) state.streamTime = at;
  }
  outcome.decidedCount += fresh.length;
  outcome.repeatedCount += run.length - fresh.length;

  const verdicts = new Map(decided.verdicts.map((verdict) => [verdict.attemptId, verdict]));
  const results: RunResult[] = [];
  const answered = new Set<string>();
  for (const { attempt } of run) {
    const verdict = verdicts.get(attempt.id);
    // The first copy of a fresh id gets its verdict; any other copy is a repeat of it.
    if (verdict !== undefined && !answered.has(attempt.id)) {
      answered.add(attempt.id);
      results.push({ attempt, verdict });
    } else {
      results.push({ attempt, repeatOf: attempt.id });
    }
  }
  return results;
}

/** An attempt's event time (epoch ms): `occurredAt` clamped to [receivedAt − 5 min, receivedAt]. */
export function attemptTime(attempt: LoginAttemptEvent): number {
  return eventTime(Date.parse(attempt.occurredAt), Date.parse(attempt.receivedAt));
}

/** The verdict a repeated attempt is answered: the one kept for its id (a ban applied), else unbanned. */
export function keptVerdict(id: string, state: PartitionState, outcome: BatchOutcome): VerdictRecord | null | undefined {
  return outcome.decided.has(id) ? outcome.decided.get(id) : state.recent.verdictOf(id);
}
