import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { LoginAttemptsRepository, SubjectStatesRepository } from '#warden/persistence';
import { PeriodicTask } from '../periodic-task.js';

/**
 * Keeps the engine's tables bounded: attempt ids older than `WARDEN_ATTEMPT_RETENTION_HOURS`
 * (7 days, Kafka's retention of `auth.login-attempts`) and subject states with nothing left to
 * remember are deleted once a minute. Ban rows and their history stay: `explain` shows them.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(() => this.prune(), 60_000);
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    @Inject(LoginAttemptsRepository) private readonly attempts: LoginAttemptsRepository,
    @Inject(SubjectStatesRepository) private readonly states: SubjectStatesRepository,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async prune(now = new Date()): Promise<void> {
    try {
      const pruned = {
        attempts: await this.attempts.prune(new Date(now.getTime() - this.config.attemptRetentionMs)),
        states: await this.states.prune(now),
      };
      if (pruned.attempts + pruned.states > 0) this.logger.log({ msg: 'pruned', ...pruned });
    } catch (error) {
      this.logger.error({ msg: 'pruning failed; retrying next minute', err: String(error) });
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
