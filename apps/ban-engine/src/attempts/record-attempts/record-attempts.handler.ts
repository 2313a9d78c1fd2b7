import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { decide, eventTime, subjectKeysOf, type SubjectState } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { Topic, type VerdictRecord } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { BansRepository, Database, inTransaction, LoginAttemptsRepository, SubjectStatesRepository } from '#warden/persistence';
import { BanBatch } from '../../bans/ban-batch.js';
import { ThresholdCrossedEvent } from '../../bans/ban.events.js';
import { pairBansWithIncidents } from '../../bans/decided-bans.js';
import { policyAttempt } from '../../decisions/policy-attempt.js';
import { subjectStateRow } from '../../decisions/subject-state-row.js';
import { incidentRecord, unbannedVerdictRecord, verdictRecord } from '../../decisions/wire-records.js';
import { RecordAttemptsCommand, type RecordAttemptsResult } from './record-attempts.command.js';

/**
 * Decides one batch: stores its attempts (each once), locks and loads the state of the subjects
 * the new ones touch, and runs the ban policy. Each ban the policy decided goes through the bans
 * saga (threshold crossed → impose or escalate → announce), whose steps add their rows and records
 * to the batch; once all are done, the new state, bans, history and verdicts are stored while the
 * decisions, incidents and one verdict per attempt are published — all before the transaction
 * commits, while the subjects are locked, so decisions on a subject reach Kafka in the order they
 * were made. A failure anywhere, the saga's steps included, rolls the batch back and reaches the
 * consumer, which does not commit its offsets: the batch comes again, and the deterministic policy
 * decides the same.
 */
@CommandHandler(RecordAttemptsCommand)
export class RecordAttemptsHandler implements ICommandHandler<RecordAttemptsCommand> {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LoginAttemptsRepository) private readonly attemptsTable: LoginAttemptsRepository,
    @Inject(SubjectStatesRepository) private readonly states: SubjectStatesRepository,
    @Inject(BansRepository) private readonly bans: BansRepository,
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  execute({ attempts }: RecordAttemptsCommand): Promise<RecordAttemptsResult> {
    const { policy } = this.config;
    // A gateway's retry may carry the same id twice in one batch: the first copy counts.
    const seen = new Set<string>();
    const unique = attempts.filter((attempt) => !seen.has(attempt.id) && seen.add(attempt.id));
    return inTransaction(this.database, async (tx) => {
      const stored = await this.attemptsTable.store(tx, unique);
      const fresh = unique.filter((attempt) => stored.has(attempt.id)).map(policyAttempt);
      const repeats = unique.filter((attempt) => !stored.has(attempt.id)).map((attempt) => attempt.id);
      const earlierVerdicts = (await this.attemptsTable.storedVerdicts(tx, repeats)) as Map<string, VerdictRecord>;

      const states = (await this.states.lockAndLoad(tx, subjectKeysOf(fresh, policy))) as Map<string, SubjectState>;
      const outcome = decide(states, fresh, policy);
      const { bans, otherIncidents } = pairBansWithIncidents(outcome.decisions, outcome.incidents);

      const batch = new BanBatch();
      batch.expect(bans.length);
      this.events.publishAll(bans.map(({ decision, incident }) => new ThresholdCrossedEvent(decision, incident, batch)));
      await batch.settled();

      const verdicts = outcome.verdicts.map(verdictRecord);
      const repeatedVerdicts = repeats.map((id) => earlierVerdicts.get(id) ?? unbannedVerdictRecord(id));
      // Kafka and Postgres work at the same time; both are done before COMMIT releases the locks.
      await allDone([
        this.bus.publishMany([
          { topic: Topic.banDecisions, records: batch.decisionRecords },
          {
            topic: Topic.incidents,
            records: [
              ...batch.incidentRecords,
              ...otherIncidents.map((incident) => ({ key: incident.subject, value: JSON.stringify(incidentRecord(incident)) })),
            ],
          },
          {
            topic: Topic.verdicts,
            records: [...verdicts, ...repeatedVerdicts].map((verdict) => ({ key: verdict.attemptId, value: JSON.stringify(verdict) })),
          },
        ]),
        (async () => {
          await this.states.save(tx, [...outcome.state].map(([subject, state]) => subjectStateRow(subject, state, policy)));
          await this.bans.save(tx, batch.bans);
          await this.bans.saveEvents(tx, batch.banEvents);
          await this.attemptsTable.saveVerdicts(tx, verdicts.filter((verdict) => verdict.banned).map((verdict) => ({ attemptId: verdict.attemptId, verdict })));
        })(),
      ]);
      // A copy within the batch is repeated as much as one stored by an earlier batch.
      return {
        decided: fresh.length,
        repeated: repeats.length + attempts.length - unique.length,
        banChanges: outcome.decisions.length,
        decisions: outcome.incidents.map(({ rule, type, simulated }) => ({ rule, type, simulated })),
        latestEventTime: fresh.reduce<number | undefined>((latest, attempt) => Math.max(latest ?? 0, eventTime(attempt.occurredAt, attempt.receivedAt)), undefined),
      };
    });
  }
}

/** Waits for every piece of work to end (none is left running into a rollback), then throws the first failure. */
async function allDone(work: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
