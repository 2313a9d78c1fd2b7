import { Inject, Injectable } from '@nestjs/common';
import { networkKeyOf, networkOutcomeOf, normalizeAccount, type NetworkOutcome } from '#warden/ban-policy';
import {
  loginAttemptEventSchema,
  routedAdminCommandSchema,
  STAGE_RECORD_SCHEMA_VERSION,
  Topic,
  type AccountStageRecord,
  type LoginAttemptEvent,
  type NetworkStageRecord,
} from '#warden/contracts';
import { jsonRecordDecoder, type ConsumedRecord } from '#warden/kafka';
import { unbannedVerdictRecord, verdictRecord } from '../decisions/wire-records.js';
import type { BatchOutcome } from './batch-outcome.js';
import { attemptTime, decideRun, keptVerdict } from './decide-run.js';
import type { PartitionState } from './partition-state.js';
import { StageParts } from './stage-parts.js';
import { StagePartitions, type StageItem } from './stage-partitions.js';

export const NETWORK_STAGE_GROUP = 'warden-ban-engine';

const decodeAttempt = jsonRecordDecoder(loginAttemptEventSchema, 'a login attempt');
const decodeRoutedCommand = jsonRecordDecoder(routedAdminCommandSchema, 'a routed admin command');
/** How the engine writes a routed command (JSON.stringify): in an attempt this text could only be an escaped string. */
const ROUTED_MARK = Buffer.from('"routed":"admin-command"');

/**
 * Reads an `auth.login-attempts` value: an attempt, or an admin command the engine routed here.
 * Anything else throws, naming each bad field of the attempt, and the record goes to the DLQ.
 */
export function decodeNetworkStageRecord(value: Buffer): NetworkStageRecord {
  return value.includes(ROUTED_MARK) ? decodeRoutedCommand(value) : decodeAttempt(value);
}

const NO_NETWORK_OUTCOME: NetworkOutcome = { bans: [], trigger: false, thresholdReached: false };

/**
 * The network stage: `auth.login-attempts`, keyed by the attempt's network, owns the `ip:` and
 * `range:` subjects. An attempt that names an account goes on to the account stage with this
 * stage's outcome; one that does not gets its verdict here. A record whose key is not its
 * attempt's network is forwarded to the right partition instead of decided where it landed.
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

  protected async decideAttempts(attempts: readonly LoginAttemptEvent[], state: PartitionState, outcome: BatchOutcome): Promise<void> {
    const results = await decideRun(attempts, { policy: this.policy, saga: this.parts.saga, state, outcome });
    for (const result of results) {
      const { attempt } = result;
      const account = normalizeAccount(attempt.account);
      if (account !== null) {
        // The account stage decides it last and answers its verdict (it also knows a repeat).
        const network = 'verdict' in result ? networkOutcomeOf(result.verdict) : NO_NETWORK_OUTCOME;
        if ('verdict' in result) outcome.decided.set(attempt.id, null);
        const forwarded: AccountStageRecord = { schemaVersion: STAGE_RECORD_SCHEMA_VERSION, attempt, network: { ...network, bans: [...network.bans] } };
        outcome.publish(Topic.attemptsByAccount, { key: account, value: JSON.stringify(forwarded) });
        continue;
      }
      const verdict = 'verdict' in result ? verdictRecord(result.verdict) : (keptVerdict(result.repeatOf, state, outcome) ?? unbannedVerdictRecord(attempt.id));
      if ('verdict' in result) outcome.decided.set(attempt.id, verdict.banned ? verdict : null);
      outcome.publish(Topic.verdicts, { key: attempt.id, value: JSON.stringify(verdict) });
    }
  }
}
