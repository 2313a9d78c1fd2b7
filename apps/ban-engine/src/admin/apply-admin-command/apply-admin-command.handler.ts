import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { imposeManualBan, liftBan, MANUAL_RULE, scopeOfSubject, uuidFromParts, type SubjectState } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/config';
import { Topic, type AdminCommandRecord } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { Database, inBanEngineTransaction, type BanEventRow, type BanRow } from '#warden/persistence';
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
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  execute({ command }: ApplyAdminCommandCommand): Promise<void> {
    const { policy } = this.config;
    const at = new Date(command.issuedAt);
    return inBanEngineTransaction(this.database, async (tx) => {
      const states = (await tx.lockAndLoad([command.subject])) as Map<string, SubjectState>;
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
        await tx.saveStates([subjectStateRow(command.subject, next, policy)]);
        await tx.saveBans([ban]);
      } else {
        const next = liftBan(current);
        const [lifted] = await tx.liftBans([command.subject], at);
        ban = lifted ?? this.noBan(command, at);
        await tx.saveStates([subjectStateRow(command.subject, next, policy)]);
      }
      const event = {
        ...ban,
        type: command.type === 'ban' ? ('manual_ban' as const) : ('manual_unban' as const),
        actor: command.actor,
        reason: command.reason,
        at,
      } satisfies BanEventRow;
      await tx.saveBanEvents([event]);
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
