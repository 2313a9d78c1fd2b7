import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Topic } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { BansRepository } from '#warden/persistence';
import { banRowDecisionRecord } from '../../../ban-engine/src/decisions/wire-records.js';

/**
 * The in-process bus lives in memory: after a restart its compacted `auth.ban-decisions` topic is
 * empty, yet the gateway builds its view of active bans by reading that topic. So at start, before
 * the view begins to read (it starts on application bootstrap), this publishes once more the
 * decision of every ban Postgres holds as still active: the record the engine published for it.
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
    const bans = await this.bans.activeAt(new Date());
    const records = bans.map((ban) => banRowDecisionRecord(ban, ban.since));
    await this.bus.publish(Topic.banDecisions, records.map((record) => ({ key: record.subject, value: JSON.stringify(record) })));
    this.logger.log({ msg: 'republished the active bans for the gateway view', bans: records.length });
  }
}
