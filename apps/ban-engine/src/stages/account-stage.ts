import { Inject, Injectable } from '@nestjs/common';
import { mergeVerdicts, type NetworkOutcome } from '#warden/ban-policy';
import { accountStageRecordSchema, Topic, type AccountStageRecord, type LoginAttemptEvent } from '#warden/contracts';
import { jsonRecordDecoder, type ConsumedRecord } from '#warden/kafka';
import { unbannedVerdictRecord, verdictRecord } from '../decisions/wire-records.js';
import type { BatchOutcome } from './batch-outcome.js';
import { attemptTime, decideRun, keptVerdict } from './decide-run.js';
import type { PartitionState } from './partition-state.js';
import { StageParts } from './stage-parts.js';
import { StagePartitions, type StageItem } from './stage-partitions.js';

export const ACCOUNT_STAGE_GROUP = 'warden-ban-engine-accounts';

/** Reads an `auth.attempts-by-account` value (written by the network stage, or an admin command routed here). */
export const decodeAccountStageRecord = jsonRecordDecoder(accountStageRecordSchema, 'an attempt for the account stage');

/** An attempt as the network stage forwarded it, with its outcome there. */
interface ForwardedAttempt {
  readonly attempt: LoginAttemptEvent;
  readonly network: NetworkOutcome;
}

/**
 * The account stage: `auth.attempts-by-account`, keyed by the normalized account, owns the
 * `account:`, `account-ip:` and `account-credential:` subjects, so an account attacked from many
 * networks is decided in one log's order. It publishes the verdict of every attempt it gets,
 * merged with the network stage's bans carried on the record.
 */
@Injectable()
export class AccountStage extends StagePartitions<AccountStageRecord, ForwardedAttempt> {
  constructor(@Inject(StageParts) parts: StageParts) {
    super('account', parts, { topic: Topic.attemptsByAccount, groupId: ACCOUNT_STAGE_GROUP, decode: decodeAccountStageRecord });
  }

  protected itemOf({ value }: ConsumedRecord<AccountStageRecord>): StageItem<ForwardedAttempt> {
    return 'routed' in value ? { command: value } : { attempt: value, at: attemptTime(value.attempt) };
  }

  protected async decideAttempts(run: readonly ForwardedAttempt[], state: PartitionState, outcome: BatchOutcome): Promise<void> {
    const results = await decideRun(run.map(({ attempt }) => attempt), { policy: this.policy, saga: this.parts.saga, state, outcome });
    results.forEach((result, i) => {
      const { attempt } = result;
      let verdict;
      if ('verdict' in result) {
        verdict = verdictRecord(mergeVerdicts(run[i]!.network, result.verdict, attemptTime(attempt)));
        outcome.decided.set(attempt.id, verdict.banned ? verdict : null);
      } else {
        verdict = keptVerdict(result.repeatOf, state, outcome) ?? unbannedVerdictRecord(attempt.id);
      }
      outcome.publish(Topic.verdicts, { key: attempt.id, value: JSON.stringify(verdict) });
    });
  }
}
