import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ownerKeyOfSubject, stageOfSubject } from '#warden/ban-policy';
import { adminCommandSchema, STAGE_RECORD_SCHEMA_VERSION, Topic, type RoutedAdminCommand } from '#warden/contracts';
import { isConsumerHealthy, jsonRecordDecoder, MessageBus, type OutgoingRecord, type Subscribed } from '#warden/kafka';
import { ReadinessRegistry, WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';

export const ADMIN_GROUP = 'warden-ban-engine-admin';

/** Reads an `auth.admin-commands` value; anything else throws, and the record goes to the DLQ. */
export const decodeAdminCommand = jsonRecordDecoder(adminCommandSchema, 'an admin command');

/**
 * Routes each manual ban and unban of `auth.admin-commands` into the log of the stage that owns
 * its subject (DESIGN §2): `auth.login-attempts` under the subject's network for `ip:` and
 * `range:`, `auth.attempts-by-account` under its account for the others. The owner applies it in
 * its log's order, among the attempts; a command routed twice is applied once (by its id).
 */
@Injectable()
export class AdminCommandsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Subscribed;
  private readonly logger = new Logger(AdminCommandsConsumer.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('admin-commands-consumer', async () => isConsumerHealthy(this.consumer));
    this.consumer = await this.bus.subscribe({
      topic: Topic.adminCommands,
      groupId: ADMIN_GROUP,
      decode: decodeAdminCommand,
      handle: async (records) => {
        const byTopic = { [Topic.loginAttempts]: [] as OutgoingRecord[], [Topic.attemptsByAccount]: [] as OutgoingRecord[] };
        for (const { value: command } of records) {
          const routed: RoutedAdminCommand = { schemaVersion: STAGE_RECORD_SCHEMA_VERSION, routed: 'admin-command', command };
          const topic = stageOfSubject(command.subject) === 'network' ? Topic.loginAttempts : Topic.attemptsByAccount;
          byTopic[topic].push({ key: ownerKeyOfSubject(command.subject, this.config.policy), value: JSON.stringify(routed) });
          this.logger.log({ msg: 'admin command routed to its owner', type: command.type, subject: command.subject, actor: command.actor, topic });
        }
        await this.bus.publishMany(Object.entries(byTopic).map(([topic, list]) => ({ topic, records: list })).filter((batch) => batch.records.length > 0));
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
