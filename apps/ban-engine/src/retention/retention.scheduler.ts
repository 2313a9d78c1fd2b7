import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { LoginAttemptsRepository } from '#warden/persistence';
import { PeriodicTask } from '../periodic-task.js';

/**
 * Keeps the recorded attempts bounded: those older than `WARDEN_ATTEMPT_RETENTION_HOURS` (7 days,
 * Kafka's retention of `auth.login-attempts`) are deleted once a minute. Ban rows and their
 * history stay: `explain` shows them. (The stages prune their own subject states.)
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(() => this.prune(), 60_000);
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    @Inject(LoginAttemptsRepository) private readonly attempts: LoginAttemptsRepository,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async prune(now = new Date()): Promise<void> {
    try {
      const attempts = await this.attempts.prune(new Date(now.getTime() - this.config.attemptRetentionMs));
      if (attempts > 0) this.logger.log({ msg: 'pruned', attempts });
    } catch (error) {
      this.logger.error({ msg: 'pruning failed; retrying next minute', err: String(error) });
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
