import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Topic } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { BansRepository } from '#warden/persistence';
import { banRowDecisionRecord } from '../../../ban-engine/src/decisions/wire-records.js';

/**
 * The in-process bus keeps `auth.ban-decisions` in the data folder, and the gateway builds its view
 * of active bans by reading that topic. A folder whose bus logs are new while Postgres holds bans
 * (a folder from a Warden whose bus lived in memory, or `DATABASE_URL` with a new folder) would
 * show none of them: so at start, before the view begins to read (it starts on application
 * bootstrap), when the topic holds no record at all, this publishes the decision of every ban
 * Postgres holds as still active: the record the engine published for it. A topic with records
 * is left alone: it is the newer truth (the engine publishes before its transaction commits).
 *
 * Its module is not global, so Nest initialises it after the global PersistenceModule (schema
 * migrated) and MessagingModule (topics created).
 */
@Injectable()
export class ActiveBansSeeder implements OnModuleInit {
  private readonly logger = new Logger(ActiveBansSeeder.name);

  constructor(
    @Inject(BansRepository) private readonly bans: BansRepository,
    @Inject(MessageBus) private readonly bus: MessageBus,
  ) {}

  async onModuleInit(): Promise<void> {
    if (await this.decisionsKept()) return;
    const bans = await this.bans.activeAt(new Date());
    const records = bans.map((ban) => banRowDecisionRecord(ban, ban.since));
    await this.bus.publish(Topic.banDecisions, records.map((record) => ({ key: record.subject, value: JSON.stringify(record) })));
    this.logger.log({ msg: 'republished the active bans for the gateway view', bans: records.length });
  }

  /** Whether `auth.ban-decisions` holds any record (read to its end, stopping at the first). */
  private async decisionsKept(): Promise<boolean> {
    let kept = false;
    const following = await this.bus.follow({ topic: Topic.banDecisions, from: 'beginning', decode: () => undefined, handle: () => void (kept = true) });
    try {
      await following.caughtUp;
      return kept;
    } finally {
      await following.stop();
    }
  }
}
