import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ADMIN_COMMAND_SCHEMA_VERSION,
  adminCommandSchema,
  Topic,
  type AdminCommandAccepted,
  type AdminCommandRecord,
  type ManualBanRequest,
} from '#warden/contracts';
import { MessageBus } from '#warden/kafka';

/**
 * Manual bans and unbans become commands on `auth.admin-commands`, keyed by subject; the ban
 * engine, the single writer of bans, carries them out and records a `manual_ban` /
 * `manual_unban` incident. The actor is the name of the API key that asked.
 */
@Injectable()
export class ManualBansService {
  constructor(@Inject(MessageBus) private readonly bus: MessageBus) {}

  ban(subject: string, request: ManualBanRequest, actor: string): Promise<AdminCommandAccepted> {
    return this.send({ ...this.common(subject, request.reason, actor), type: 'ban', durationSeconds: request.durationSeconds });
  }

  unban(subject: string, reason: string, actor: string): Promise<AdminCommandAccepted> {
    return this.send({ ...this.common(subject, reason, actor), type: 'unban' });
  }

  private common(subject: string, reason: string, actor: string) {
    return { schemaVersion: ADMIN_COMMAND_SCHEMA_VERSION as typeof ADMIN_COMMAND_SCHEMA_VERSION, id: randomUUID(), subject, reason, actor, issuedAt: new Date().toISOString() };
  }

  private async send(command: AdminCommandRecord): Promise<AdminCommandAccepted> {
    // The engine refuses what the contract refuses: better to fail here, loudly, than in its DLQ.
    const record = adminCommandSchema.parse(command);
    await this.bus.publish(Topic.adminCommands, [{ key: record.subject, value: JSON.stringify(record) }]);
    return { id: record.id, subject: record.subject };
  }
}
