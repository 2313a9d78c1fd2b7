import { Inject, Injectable } from '@nestjs/common';
import { mergeVerdicts, type NetworkOutcome } from '#warden/ban-policy';
import { accountStageRecordSchema, Topic, type AccountStageRecord, type LoginAttemptEvent } from '#warden/contracts';
import { jsonRecordDecoder, type ConsumedRecord } from '#warden/kafka';
import { unbannedVerdictRecord, verdictRecord } from '../decisions/wire-records.js';
import type { BatchOutcome } from './batch-outcome.js';
import { attemptTime, decideRun, keptVerdict } from './decide-run.js';
import type { PartitionState } from './partition-state.js';
import { StageParts } from './stage-parts.js';
import { StagePartitions } from './stage-partitions.js';

export const ACCOUNT_STAGE_GROUP = 'warden-ban-engine-accounts';

/** Reads an `auth.attempts-by-account` value (written by the network stage, or an admin command routed here). */
export const decodeAccountStageRecord = jsonRecordDecoder(accountStageRecordSchema, 'an attempt for the account stage');

/**
 * The account stage: `auth.attempts-by-account`, keyed by the normalized account, owns the
 * `account:`, `account-ip:` and `account-credential:` subjects, so an account attacked from many
 * networks is decided in one log's order. It publishes the verdict of every attempt it gets,
 * merged with the network stage's bans carried on the record.
 */
@Injectable()
export class AccountStage extends StagePartitions<AccountStageRecord> {
  constructor(@Inject(StageParts) parts: StageParts) {
    super('account', parts, { topic: Topic.attemptsByAccount, groupId: ACCOUNT_STAGE_GROUP, decode: decodeAccountStageRecord });
  }

  protected async decideBatch(records: ReadonlyArray<ConsumedRecord<AccountStageRecord>>, state: PartitionState, outcome: BatchOutcome): Promise<void> {
    let run: Array<{ attempt: LoginAttemptEvent; network: NetworkOutcome }> = [];
    for (const { value } of records) {
      if ('routed' in value) {
        await this.decideAttempts(run, state, outcome);
        run = [];
        this.applyAdminCommand(value, state, outcome);
        continue;
      }
      const at = attemptTime(value.attempt);
      if (state.expiries.hasDue(Math.max(state.streamTime, at))) {
        await this.decideAttempts(run, state, outcome);
        run = [];
        this.expireDue(at, state, outcome);
      }
      run.push(value);
    }
    await this.decideAttempts(run, state, outcome);
  }

  private async decideAttempts(run: ReadonlyArray<{ attempt: LoginAttemptEvent; network: NetworkOutcome }>, state: PartitionState, outcome: BatchOutcome): Promise<void> {
    if (run.length === 0) return;
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
