import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LoginAttemptRepository } from '#warden/persistence';
import { RecordAttemptsCommand } from './record-attempts.command.js';

/**
 * Stores the batch's attempts, each once: an attempt redelivered by Kafka or resent by a gateway
 * with the same id is recognised and changes nothing.
 */
@CommandHandler(RecordAttemptsCommand)
export class RecordAttemptsHandler implements ICommandHandler<RecordAttemptsCommand> {
  constructor(@Inject(LoginAttemptRepository) private readonly attempts: LoginAttemptRepository) {}

  async execute({ attempts }: RecordAttemptsCommand): Promise<{ stored: number; repeated: number }> {
    // Within one batch, a gateway's retry may carry the same id twice: keep the first.
    const unique = [...new Map(attempts.map((attempt) => [attempt.id, attempt])).values()];
    const stored = await this.attempts.insertNew(unique);
    return { stored: stored.size, repeated: attempts.length - stored.size };
  }
}
