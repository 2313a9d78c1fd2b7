import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { scopeOfSubject } from '#warden/ban-policy';
import { adminCommandSchema, Topic, type AdminCommandRecord } from '#warden/contracts';
import { jsonRecordDecoder, MessageBus, type Consumer } from '#warden/kafka';
import { ApplyAdminCommandCommand } from './apply-admin-command/apply-admin-command.command.js';

export const ADMIN_GROUP = 'warden-ban-engine-admin';

const decodeAdminCommandJson = jsonRecordDecoder(adminCommandSchema, 'an admin command');

/** Reads an `auth.admin-commands` value; anything else throws, and the record goes to the DLQ. */
export function decodeAdminCommand(value: Buffer): AdminCommandRecord {
  const command = decodeAdminCommandJson(value);
  if (scopeOfSubject(command.subject) === null) throw new Error(`not an admin command: subject: ${command.subject} names no known scope`);
  return command;
}

/** Feeds `auth.admin-commands` to the engine, in order per subject, each command awaited. */
@Injectable()
export class AdminCommandsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Consumer;
  private readonly logger = new Logger(AdminCommandsConsumer.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.bus.subscribe({
      topic: Topic.adminCommands,
      groupId: ADMIN_GROUP,
      decode: decodeAdminCommand,
      handle: async (records) => {
        for (const record of records) {
          await this.commands.execute(new ApplyAdminCommandCommand(record.value));
          this.logger.log({ msg: 'admin command applied', type: record.value.type, subject: record.value.subject, actor: record.value.actor });
        }
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
