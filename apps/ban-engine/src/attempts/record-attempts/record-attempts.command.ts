import { Command } from '@nestjs/cqrs';
import type { LoginAttemptEvent } from '#warden/contracts';

/** One Kafka batch of attempts to take in; handled as a whole (one round trip, one transaction). */
export class RecordAttemptsCommand extends Command<{ stored: number; repeated: number }> {
  constructor(readonly attempts: readonly LoginAttemptEvent[]) {
    super();
  }
}
