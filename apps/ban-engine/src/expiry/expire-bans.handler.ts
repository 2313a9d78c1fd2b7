import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Topic, uuidFromParts } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { BansRepository, Database, inTransaction, type BanEventRow } from '#warden/persistence';
import { banEventIncidentRecord, banRowDecisionRecord } from '../decisions/wire-records.js';
import { ExpireBansCommand } from './expire-bans.command.js';

/**
 * Marks the bans whose `until` has passed as expired, records a `ban_expired` history row, and
 * publishes the `expired` decision and a `ban_expired` incident (its id derives from the subject
 * and the ban's end, so a retry publishes the same). The subjects' policy state is untouched:
 * the level is remembered for escalation.
 */
@CommandHandler(ExpireBansCommand)
export class ExpireBansHandler implements ICommandHandler<ExpireBansCommand> {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(BansRepository) private readonly bans: BansRepository,
    @Inject(MessageBus) private readonly bus: MessageBus,
  ) {}

  execute({ now, limit }: ExpireBansCommand): Promise<number> {
    return inTransaction(this.database, async (tx) => {
      const expired = await this.bans.expireDue(tx, now, limit);
      if (expired.length === 0) return 0;
      const events = expired.map((ban) => ({ ...ban, type: 'ban_expired' as const, actor: 'policy', reason: null, at: ban.until }) satisfies BanEventRow);
      await this.bans.saveEvents(tx, events);
      await this.bus.publishMany([
        { topic: Topic.banDecisions, records: expired.map((ban) => ({ key: ban.subject, value: JSON.stringify(banRowDecisionRecord(ban, ban.until)) })) },
        {
          topic: Topic.incidents,
          records: events.map((event) => ({
            key: event.subject,
            value: JSON.stringify(banEventIncidentRecord(event, uuidFromParts('ban_expired', event.subject, event.until.toISOString()))),
          })),
        },
      ]);
      return expired.length;
    });
  }
}
