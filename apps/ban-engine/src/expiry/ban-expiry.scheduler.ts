import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PeriodicTask } from '../periodic-task.js';
import { ExpireBansCommand } from './expire-bans.command.js';

const BATCH = 500;

/**
 * Once a second, ends the bans whose time is over (so `ban_expired` follows within about a second
 * of `until`). Several engines may run it: each expired row is taken by one of them.
 */
@Injectable()
export class BanExpiryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task = new PeriodicTask(() => this.expireDue(), 1_000);
  private readonly logger = new Logger(BanExpiryScheduler.name);

  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  private async expireDue(): Promise<void> {
    try {
      while ((await this.commands.execute(new ExpireBansCommand(new Date(), BATCH))) === BATCH);
    } catch (error) {
      // Nothing is lost: the rows stay active and the next tick tries again.
      this.logger.error({ msg: 'expiring bans failed; retrying next tick', err: String(error) });
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
