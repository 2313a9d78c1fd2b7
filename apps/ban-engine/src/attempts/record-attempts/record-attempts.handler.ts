import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decide, subjectKeysOf, type SubjectState } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/config';
import { Topic, type VerdictRecord } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { Database, inBanEngineTransaction } from '#warden/persistence';
import { policyAttempt } from '../../decisions/policy-attempt.js';
import { subjectStateRow } from '../../decisions/subject-state-row.js';
import {
  banDecisionRecord,
  banEventRow,
  banRow,
  incidentRecord,
  unbannedVerdictRecord,
  verdictRecord,
} from '../../decisions/wire-records.js';
import { RecordAttemptsCommand, type RecordAttemptsResult } from './record-attempts.command.js';

/**
 * Decides one batch: stores its attempts (each once), locks and loads the state of the subjects
 * the new ones touch, runs the ban policy, stores state, bans and history, and publishes the ban
 * decisions, incidents and one verdict per attempt — all before the transaction commits, while the
 * subjects are locked, so decisions on a subject reach Kafka in the order they were made. A
 * failure anywhere rolls the batch back and reaches the consumer, which does not commit its
 * offsets: the batch comes again, and since the policy is deterministic it decides the same.
 */
@CommandHandler(RecordAttemptsCommand)
export class RecordAttemptsHandler implements ICommandHandler<RecordAttemptsCommand> {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  execute({ attempts }: RecordAttemptsCommand): Promise<RecordAttemptsResult> {
    const { policy } = this.config;
    // A gateway's retry may carry the same id twice in one batch: the first copy counts.
    const seen = new Set<string>();
    const unique = attempts.filter((attempt) => !seen.has(attempt.id) && seen.add(attempt.id));
    return inBanEngineTransaction(this.database, async (tx) => {
      const stored = await tx.storeAttempts(unique);
      const fresh = unique.filter((attempt) => stored.has(attempt.id)).map(policyAttempt);
      const repeats = unique.filter((attempt) => !stored.has(attempt.id)).map((attempt) => attempt.id);
      const earlierVerdicts = (await tx.storedVerdicts(repeats)) as Map<string, VerdictRecord>;

      const states = (await tx.lockAndLoad(subjectKeysOf(fresh, policy))) as Map<string, SubjectState>;
      const outcome = decide(states, fresh, policy);

      const verdicts = outcome.verdicts.map(verdictRecord);
      await tx.saveStates([...outcome.state].map(([subject, state]) => subjectStateRow(subject, state, policy)));
      await tx.saveBans(outcome.decisions.map(banRow));
      await tx.saveBanEvents(outcome.decisions.map(banEventRow));
      await tx.saveVerdicts(verdicts.filter((verdict) => verdict.banned).map((verdict) => ({ attemptId: verdict.attemptId, verdict })));

      const repeatedVerdicts = repeats.map((id) => earlierVerdicts.get(id) ?? unbannedVerdictRecord(id));
      await this.bus.publishMany([
        {
          topic: Topic.banDecisions,
          records: outcome.decisions.map((decision) => ({ key: decision.subject, value: JSON.stringify(banDecisionRecord(decision)) })),
        },
        {
          topic: Topic.incidents,
          records: outcome.incidents.map((incident) => ({ key: incident.subject, value: JSON.stringify(incidentRecord(incident)) })),
        },
        {
          topic: Topic.verdicts,
          records: [...verdicts, ...repeatedVerdicts].map((verdict) => ({
            key: verdict.attemptId,
            value: JSON.stringify(verdict),
          })),
        },
      ]);
      return { decided: fresh.length, repeated: repeats.length, banChanges: outcome.decisions.length };
    });
  }
}
