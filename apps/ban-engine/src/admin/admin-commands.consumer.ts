import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { adminCommandSchema, Topic } from '#warden/contracts';
import { ReadinessRegistry } from '#warden/runtime';
import { isConsumerHealthy, jsonRecordDecoder, MessageBus, type Subscribed } from '#warden/kafka';
import { ApplyAdminCommandCommand } from './apply-admin-command/apply-admin-command.command.js';

export const ADMIN_GROUP = 'warden-ban-engine-admin';

/** Reads an `auth.admin-commands` value (its subject normalized); anything else throws, and the record goes to the DLQ. */
export const decodeAdminCommand = jsonRecordDecoder(adminCommandSchema, 'an admin command');

/** Feeds `auth.admin-commands` to the engine, in order per subject, each command awaited. */
@Injectable()
export class AdminCommandsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Subscribed;
  private readonly logger = new Logger(AdminCommandsConsumer.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('admin-commands-consumer', async () => isConsumerHealthy(this.consumer));
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
