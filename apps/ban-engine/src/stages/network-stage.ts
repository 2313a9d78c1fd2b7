import { Inject, Injectable } from '@nestjs/common';
import { networkKeyOf, networkOutcomeOf, normalizeAccount, type NetworkOutcome } from '#warden/ban-policy';
import { STAGE_RECORD_SCHEMA_VERSION, Topic, type ForwardedAttempt, type LoginAttemptEvent, type NetworkStageRecord } from '#warden/contracts';
import type { ConsumedRecord } from '#warden/kafka';
import { unbannedVerdictRecord, verdictRecord } from '../decisions/wire-records.js';
import type { BatchOutcome } from './batch-outcome.js';
import { attemptTime, decideRun, keptVerdict, type TimedAttempt } from './decide-run.js';
import type { PartitionState } from './partition-state.js';
import { decodeNetworkStageRecord } from './stage-record-decoders.js';
import { StageParts } from './stage-parts.js';
import { StagePartitions, type StageItem } from './stage-partitions.js';

export const NETWORK_STAGE_GROUP = 'warden-ban-engine';

const NO_NETWORK_OUTCOME: NetworkOutcome = { bans: [], trigger: false, thresholdReached: false };

/**
 * The network stage: `auth.login-attempts`, keyed by the attempt's network, owns the `ip:` and
 * `range:` subjects. An attempt without an account gets its verdict here; one with an account
 * copy (`accountCopy`, as gateway-api writes it) gets this stage's part of it, the account stage
 * deciding the copy; one that names an account but has no copy goes on to the account stage with
 * this stage's outcome. A record whose key is not its attempt's network is forwarded to the right
 * partition instead of decided where it landed. Verdicts are published only for attempts whose
 * sender waits (`verdictWanted`), and kept for those a ban applied to.
 */
@Injectable()
export class NetworkStage extends StagePartitions<NetworkStageRecord, LoginAttemptEvent> {
  constructor(@Inject(StageParts) parts: StageParts) {
    super('network', parts, { topic: Topic.loginAttempts, groupId: NETWORK_STAGE_GROUP, decode: decodeNetworkStageRecord });
  }

  protected itemOf({ key, value }: ConsumedRecord<NetworkStageRecord>, outcome: BatchOutcome): StageItem<LoginAttemptEvent> {
    if ('routed' in value) return { command: value };
    const network = networkKeyOf(value.ip, this.policy);
    if (key === network) return { attempt: value, at: attemptTime(value) };
    outcome.publish(Topic.loginAttempts, { key: network, value: JSON.stringify(value) });
    return undefined;
  }

  protected async decideAttempts(run: ReadonlyArray<TimedAttempt<LoginAttemptEvent>>, state: PartitionState, outcome: BatchOutcome): Promise<void> {
    const results = await decideRun(run, { saga: this.parts.saga, state, outcome });
    for (const result of results) {
      const { attempt } = result;
      const account = normalizeAccount(attempt.account);
      if (account !== null && attempt.accountCopy !== true) {
        // The account stage decides it last and answers its verdict (it also knows a repeat).
        const network = 'verdict' in result ? networkOutcomeOf(result.verdict) : NO_NETWORK_OUTCOME;
        if ('verdict' in result) outcome.decided.set(attempt.id, null);
        const forwarded: ForwardedAttempt = { schemaVersion: STAGE_RECORD_SCHEMA_VERSION, attempt, network: { ...network, bans: [...network.bans] } };
        outcome.publish(Topic.attemptsByAccount, { key: account, value: JSON.stringify(forwarded) });
        continue;
      }
      const part = account === null ? undefined : 'network';
      let verdict;
      if ('verdict' in result) {
        verdict = verdictRecord(result.verdict, part);
        outcome.decided.set(attempt.id, verdict.banned ? verdict : null);
      } else {
        verdict = keptVerdict(result.repeatOf, state, outcome) ?? unbannedVerdictRecord(attempt.id, part);
      }
      if (attempt.verdictWanted === true) outcome.publish(Topic.verdicts, { key: attempt.id, value: JSON.stringify(verdict) });
    }
  }
}
