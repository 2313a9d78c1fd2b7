import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Counter, Gauge, Registry } from 'prom-client';
import { loginAttemptEventSchema, Topic } from '#warden/contracts';
import { ReadinessRegistry } from '#warden/runtime';
import { isConsumerHealthy, jsonRecordDecoder, MessageBus, type Subscribed } from '#warden/kafka';
import { RecordAttemptsCommand } from './record-attempts/record-attempts.command.js';

export const BAN_ENGINE_GROUP = 'warden-ban-engine';

/**
 * Partitions whose batches one engine handles at once. Subject locks serialize the batches'
 * decisions, but one batch's attempts are stored and its policy run while another holds them.
 */
const PARTITIONS_AT_ONCE = 2;

/** Reads an `auth.login-attempts` value; anything else throws, and the record goes to the DLQ. */
export const decodeLoginAttempt = jsonRecordDecoder(loginAttemptEventSchema, 'a login attempt');

/**
 * Feeds `auth.login-attempts` to the engine one Kafka batch at a time. The command is awaited, so
 * its failure reaches the consumer: the offsets stay uncommitted and the batch comes again.
 */
@Injectable()
export class LoginAttemptsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Subscribed;
  private readonly logger = new Logger(LoginAttemptsConsumer.name);
  private readonly recorded: Counter<'result'>;
  private readonly failures: Counter;
  private readonly decisions: Counter<'rule' | 'decision' | 'mode'>;
  private readonly eventLag: Gauge;

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(Registry) registry: Registry,
  ) {
    this.recorded = new Counter({
      name: 'warden_engine_attempts_total',
      help: 'Attempts the engine took in, by result (decided, or repeated and answered with their first verdict)',
      labelNames: ['result'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'warden_engine_batch_failures_total',
      help: 'Batches whose work failed; they are not committed and come again',
      registers: [registry],
    });
    this.decisions = new Counter({
      name: 'warden_engine_decisions_total',
      help: 'What the policy decided, by rule, decision (ban_imposed, ban_escalated, allowlist_hit) and mode (enforce, simulate); counted once its batch is stored',
      labelNames: ['rule', 'decision', 'mode'],
      registers: [registry],
    });
    this.eventLag = new Gauge({
      name: 'warden_engine_event_lag_seconds',
      help: 'How far behind now the latest event time of the last decided batch was, when it was decided',
      registers: [registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('attempts-consumer', async () => isConsumerHealthy(this.consumer));
    this.consumer = await this.bus.subscribe({
      topic: Topic.loginAttempts,
      groupId: BAN_ENGINE_GROUP,
      decode: decodeLoginAttempt,
      concurrency: PARTITIONS_AT_ONCE,
      handle: async (records) => {
        const result = await this.commands
          .execute(new RecordAttemptsCommand(records.map((record) => record.value)))
          .catch((error: unknown) => {
            this.failures.inc();
            throw error;
          });
        this.recorded.inc({ result: 'decided' }, result.decided);
        this.recorded.inc({ result: 'repeated' }, result.repeated);
        for (const { rule, type, simulated } of result.decisions) this.decisions.inc({ rule, decision: type, mode: simulated ? 'simulate' : 'enforce' });
        if (result.latestEventTime !== undefined) this.eventLag.set(Math.max(0, Date.now() - result.latestEventTime) / 1_000);
      },
    });
    this.logger.log({ msg: 'consuming', topic: Topic.loginAttempts, group: BAN_ENGINE_GROUP });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
