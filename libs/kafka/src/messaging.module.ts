import { join } from 'node:path';
import { Global, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TOPIC_SPECS } from '#warden/contracts';
import { WARDEN_CONFIG, type WardenConfig, ReadinessRegistry } from '#warden/runtime';
import { Gauge, Registry } from 'prom-client';
import { BusMetrics } from './bus-metrics.js';
import { InProcessMessageBus } from './in-process-message-bus.js';
import { KafkaMessageBus } from './kafka-message-bus.js';
import { MessageBus } from './message-bus.js';

/**
 * Names the offsets the bus counts in, for those who hand offsets out as cursors (the decision
 * stream): `kafka`, or the in-process bus's own, the same for as long as its data folder is kept.
 */
export const BUS_EPOCH = Symbol('BUS_EPOCH');

/**
 * Provides the {@link MessageBus}: Kafka when `KAFKA_BROKERS` is set, the in-process bus, its logs
 * in `<data folder>/bus`, otherwise. Creates Warden's topics at start and reports the bus in
 * readiness.
 */
@Global()
@Module({
  providers: [
    {
      provide: MessageBus,
      inject: [WARDEN_CONFIG, Registry],
      useFactory: (config: WardenConfig, registry: Registry): MessageBus => {
        const bus = config.kafka
          ? new KafkaMessageBus({
              brokers: config.kafka.brokers,
              clientId: config.kafka.clientId,
              topicPrefix: config.topicPrefix,
              partitions: config.topicPartitions,
              poisonTries: config.poisonTries,
              sessionTimeoutMs: config.kafkaSessionTimeoutMs,
            })
          : new InProcessMessageBus({ directory: join(config.dataDir, 'bus'), poisonTries: config.poisonTries });
        bus.instrument(new BusMetrics(registry));
        return bus;
      },
    },
    {
      provide: BUS_EPOCH,
      inject: [MessageBus],
      useFactory: async (bus: MessageBus): Promise<string> => (bus instanceof InProcessMessageBus ? `in-process-${await bus.epoch()}` : 'kafka'),
    },
  ],
  exports: [MessageBus, BUS_EPOCH],
})
export class MessagingModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MessagingModule.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(Registry) registry: Registry,
  ) {
    const health = () => this.bus.consumerHealth();
    new Gauge({
      name: 'warden_consumer_running',
      help: 'Whether each consumer of this process runs (0 between a crash and its restart)',
      labelNames: ['group', 'topic'],
      registers: [registry],
      collect() {
        this.reset();
        for (const report of health()) this.set({ group: report.group, topic: report.topic }, report.running ? 1 : 0);
      },
    });
    new Gauge({
      name: 'warden_consumer_stalled_partitions',
      help: 'Partitions of each consumer that have held a batch for more than 30 s without finishing it',
      labelNames: ['group', 'topic'],
      registers: [registry],
      collect() {
        this.reset();
        for (const report of health()) this.set({ group: report.group, topic: report.topic }, report.stalledPartitions.length);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    // `bus`, not `kafka`: in the embedded mode no Kafka stands behind it.
    this.readiness.register('bus', () => this.bus.isHealthy(), this.bus instanceof KafkaMessageBus ? 'kafka' : 'in-process');
    await this.bus.ensureTopics(TOPIC_SPECS);
    this.logger.log({ msg: 'message bus ready', kind: this.bus.constructor.name });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
