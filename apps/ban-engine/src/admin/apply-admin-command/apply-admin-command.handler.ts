import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { imposeManualBan, liftBan, MANUAL_RULE, scopeOfSubject, type SubjectState } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { Topic, uuidFromParts, type AdminCommandRecord } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { BansRepository, Database, inTransaction, SubjectStatesRepository, type BanEventRow, type BanRow } from '#warden/persistence';
import { subjectStateRow } from '../../decisions/subject-state-row.js';
import { banEventIncidentRecord, banRowDecisionRecord } from '../../decisions/wire-records.js';
import { ApplyAdminCommandCommand } from './apply-admin-command.command.js';

/**
 * Carries out a manual ban or unban in one transaction with the subject locked, as the engine
 * does for attempts: state, ban, history, then the decision and a `manual_ban` / `manual_unban`
 * incident published before commit. The time is the command's `issuedAt`, and the incident id
 * derives from the command id, so a redelivered command decides and publishes the same again.
 */
@CommandHandler(ApplyAdminCommandCommand)
export class ApplyAdminCommandHandler implements ICommandHandler<ApplyAdminCommandCommand> {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(SubjectStatesRepository) private readonly states: SubjectStatesRepository,
    @Inject(BansRepository) private readonly bans: BansRepository,
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  execute({ command }: ApplyAdminCommandCommand): Promise<void> {
    const { policy } = this.config;
    const at = new Date(command.issuedAt);
    return inTransaction(this.database, async (tx) => {
      const states = (await this.states.lockAndLoad(tx, [command.subject])) as Map<string, SubjectState>;
      const current = states.get(command.subject);
      let ban: BanRow;
      if (command.type === 'ban') {
        const next = imposeManualBan(current, { at: at.getTime(), durationMs: command.durationSeconds * 1_000, commandId: command.id }, policy);
        ban = {
          subject: command.subject,
          scope: scopeOfSubject(command.subject) ?? 'ip',
          rule: MANUAL_RULE,
          level: next.ban!.level,
          since: at,
          until: new Date(next.ban!.until),
          visible: next.ban!.visible,
          status: 'active',
          policyVersion: policy.version,
          attemptIds: [],
        };
        await this.states.save(tx, [subjectStateRow(command.subject, next, policy)]);
        await this.bans.save(tx, [ban]);
      } else {
        const next = liftBan(current);
        const [lifted] = await this.bans.lift(tx, [command.subject], at);
        ban = lifted ?? this.noBan(command, at);
        await this.states.save(tx, [subjectStateRow(command.subject, next, policy)]);
      }
      const event = {
        ...ban,
        type: command.type === 'ban' ? ('manual_ban' as const) : ('manual_unban' as const),
        actor: command.actor,
        reason: command.reason,
        at,
      } satisfies BanEventRow;
      await this.bans.saveEvents(tx, [event]);
      await this.bus.publishMany([
        { topic: Topic.banDecisions, records: [{ key: command.subject, value: JSON.stringify(banRowDecisionRecord(ban, at)) }] },
        {
          topic: Topic.incidents,
          records: [{ key: command.subject, value: JSON.stringify(banEventIncidentRecord(event, uuidFromParts(event.type, command.id))) }],
        },
      ]);
    });
  }

  /** What an unban of a subject with no ban in force records: the subject, lifted now. */
  private noBan(command: AdminCommandRecord, at: Date): BanRow {
    return {
      subject: command.subject,
      scope: scopeOfSubject(command.subject) ?? 'ip',
      rule: MANUAL_RULE,
      level: 0,
      since: at,
      until: at,
      visible: false,
      status: 'lifted',
      policyVersion: this.config.policy.version,
      attemptIds: [],
    };
  }
}
