import { Command } from '@nestjs/cqrs';
import type { LoginAttemptEvent } from '#warden/contracts';

export interface RecordAttemptsResult {
  /** Attempts seen for the first time, decided and stored. */
  readonly decided: number;
  /** Attempts seen before (redelivered or resent): answered with their first verdict, not counted again. */
  readonly repeated: number;
  /** Bans imposed or escalated by this batch. */
  readonly banChanges: number;
  /** What the policy decided, one entry per incident it raised (for `warden_engine_decisions_total`). */
  readonly decisions: ReadonlyArray<{ readonly rule: string; readonly type: string; readonly simulated: boolean }>;
  /** The latest event time among the batch's attempts (epoch ms), or undefined for an empty batch. */
  readonly latestEventTime: number | undefined;
}

/** One Kafka batch of attempts to decide; handled as a whole, in one transaction. */
export class RecordAttemptsCommand extends Command<RecordAttemptsResult> {
  constructor(readonly attempts: readonly LoginAttemptEvent[]) {
    super();
  }
}
