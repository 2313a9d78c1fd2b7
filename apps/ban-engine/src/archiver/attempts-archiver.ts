import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Topic, type LoginAttemptEvent } from '#warden/contracts';
import { isConsumerHealthy, MessageBus, type Subscribed } from '#warden/kafka';
import { LoginAttemptsRepository } from '#warden/persistence';
import { ReadinessRegistry } from '#warden/runtime';
import { decodeAttempt } from '../stages/stage-record-decoders.js';

export const ARCHIVER_GROUP = 'warden-attempt-archiver';

/**
 * Reads an attempt to record, or null for anything else: a routed admin command is no attempt,
 * and a record that does not read is the network stage's to dead-letter (once, not twice).
 */
function decodeArchived(value: Buffer): LoginAttemptEvent | null {
  try {
    return decodeAttempt(value);
  } catch {
    return null;
  }
}

/**
 * Records every attempt of `auth.login-attempts` in Postgres (`login_attempts`: what stats and
 * backtests read), in its own consumer group, in large batches: off the engine's hot path, so it
 * may lag without slowing decisions (its lag is the bus's consumer lag of this group). Each id
 * once, whatever the retries.
 */
@Injectable()
export class AttemptsArchiver implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Subscribed;
  private readonly logger = new Logger(AttemptsArchiver.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(LoginAttemptsRepository) private readonly attempts: LoginAttemptsRepository,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('attempts-archiver', async () => isConsumerHealthy(this.consumer));
    this.consumer = await this.bus.subscribe({
      topic: Topic.loginAttempts,
      groupId: ARCHIVER_GROUP,
      decode: decodeArchived,
      concurrency: 2,
      handle: async (records) => {
        const attempts = records.map((record) => record.value).filter((attempt): attempt is LoginAttemptEvent => attempt !== null);
        await this.attempts.archive(attempts);
      },
    });
    this.logger.log({ msg: 'consuming', topic: Topic.loginAttempts, group: ARCHIVER_GROUP });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
