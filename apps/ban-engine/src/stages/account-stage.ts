import { Inject, Injectable } from '@nestjs/common';
import { mergeVerdicts, type NetworkOutcome } from '#warden/ban-policy';
import { Topic, type AccountStageRecord, type LoginAttemptEvent } from '#warden/contracts';
import type { ConsumedRecord } from '#warden/kafka';
import { unbannedVerdictRecord, verdictRecord } from '../decisions/wire-records.js';
import type { BatchOutcome } from './batch-outcome.js';
import { attemptTime, decideRun, keptVerdict, type TimedAttempt } from './decide-run.js';
import type { PartitionState } from './partition-state.js';
import { decodeAccountStageRecord } from './stage-record-decoders.js';
import { StageParts } from './stage-parts.js';
import { StagePartitions, type StageItem } from './stage-partitions.js';

export const ACCOUNT_STAGE_GROUP = 'warden-ban-engine-accounts';

/** An attempt of this stage's log: an account copy, or forwarded with the network stage's outcome. */
interface AccountStageAttempt {
  readonly attempt: LoginAttemptEvent;
  readonly network?: NetworkOutcome;
}

/**
 * The account stage: `auth.attempts-by-account`, keyed by the normalized account, owns the
 * `account:`, `account-ip:` and `account-credential:` subjects, so an account attacked from many
 * networks is decided in one log's order. Of an account copy it publishes its part of the
 * verdict (the network stage publishes the other); of an attempt the network stage forwarded, the
 * whole verdict, merged with the network stage's bans carried on the record. Only for attempts
 * whose sender waits (`verdictWanted`); kept for those a ban applied to.
 */
@Injectable()
export class AccountStage extends StagePartitions<AccountStageRecord, AccountStageAttempt> {
  constructor(@Inject(StageParts) parts: StageParts) {
    super('account', parts, { topic: Topic.attemptsByAccount, groupId: ACCOUNT_STAGE_GROUP, decode: decodeAccountStageRecord });
  }

  protected itemOf({ value }: ConsumedRecord<AccountStageRecord>): StageItem<AccountStageAttempt> {
    if ('routed' in value) return { command: value };
    const item: AccountStageAttempt = 'network' in value ? value : { attempt: value };
    return { attempt: item, at: attemptTime(item.attempt) };
  }

  protected async decideAttempts(run: ReadonlyArray<TimedAttempt<AccountStageAttempt>>, state: PartitionState, outcome: BatchOutcome): Promise<void> {
    const results = await decideRun(run.map(({ attempt, at }) => ({ attempt: attempt.attempt, at })), { saga: this.parts.saga, state, outcome });
    results.forEach((result, i) => {
      const { attempt } = result;
      const { attempt: { network }, at } = run[i]!;
      const part = network === undefined ? 'account' : undefined;
      let verdict;
      if ('verdict' in result) {
        verdict = verdictRecord(network === undefined ? result.verdict : mergeVerdicts(network, result.verdict, at), part);
        outcome.decided.set(attempt.id, verdict.banned ? verdict : null);
      } else {
        verdict = keptVerdict(result.repeatOf, state, outcome) ?? unbannedVerdictRecord(attempt.id, part);
      }
      if (attempt.verdictWanted === true) outcome.publish(Topic.verdicts, { key: attempt.id, value: JSON.stringify(verdict) });
    });
  }
}
