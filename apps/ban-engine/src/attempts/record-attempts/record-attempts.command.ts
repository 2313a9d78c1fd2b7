import { Command } from '@nestjs/cqrs';
import type { LoginAttemptEvent } from '#warden/contracts';

export interface RecordAttemptsResult {
  /** Attempts seen for the first time, decided and stored. */
  readonly decided: number;
  /** Attempts seen before (redelivered or resent): answered with their first verdict, not counted again. */
  readonly repeated: number;
  /** Bans imposed or escalated by this batch. */
  readonly banChanges: number;
}

/** One Kafka batch of attempts to decide; handled as a whole, in one transaction. */
export class RecordAttemptsCommand extends Command<RecordAttemptsResult> {
  constructor(readonly attempts: readonly LoginAttemptEvent[]) {
    super();
  }
}
