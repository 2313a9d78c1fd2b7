import { Global, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TOPIC_SPECS } from '#warden/contracts';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/config';
import { ReadinessRegistry } from '#warden/http-kit';
import { Registry } from 'prom-client';
import { BusMetrics } from './bus-metrics.js';
import { InProcessMessageBus } from './in-process-message-bus.js';
import { KafkaMessageBus } from './kafka-message-bus.js';
import { MessageBus } from './message-bus.js';

/**
 * Provides the {@link MessageBus}: Kafka when `KAFKA_BROKERS` is set, the in-process bus
 * otherwise. Creates Warden's topics at start and reports the bus in readiness.
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
            })
          : new InProcessMessageBus();
        bus.instrument(new BusMetrics(registry));
        return bus;
      },
    },
  ],
  exports: [MessageBus],
})
export class MessagingModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MessagingModule.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
  ) {}

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
