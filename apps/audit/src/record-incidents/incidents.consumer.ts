import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { incidentRecordSchema, Topic } from '#warden/contracts';
import { ReadinessRegistry } from '#warden/runtime';
import { isConsumerHealthy, jsonRecordDecoder, MessageBus, type Subscribed } from '#warden/kafka';
import { AuditLog } from '../audit-log/audit-log.js';

export const AUDIT_GROUP = 'warden-audit';

/** Reads an `auth.incidents` value; anything else throws, and the record goes to the DLQ. */
export const decodeIncident = jsonRecordDecoder(incidentRecordSchema, 'an incident');

/**
 * Records `auth.incidents` into the audit log one Kafka batch at a time: one transaction per
 * batch, offsets committed only after it. A redelivered or replayed incident adds nothing.
 */
@Injectable()
export class IncidentsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Subscribed;
  private readonly logger = new Logger(IncidentsConsumer.name);
  private readonly recorded: Counter<'result'>;

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(Registry) registry: Registry,
  ) {
    this.recorded = new Counter({
      name: 'warden_audit_incidents_total',
      help: 'Incidents the audit consumer read, by result (recorded, or already in the log)',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('incidents-consumer', async () => isConsumerHealthy(this.consumer));
    this.consumer = await this.bus.subscribe({
      topic: Topic.incidents,
      groupId: AUDIT_GROUP,
      decode: decodeIncident,
      handle: async (records) => {
        const recorded = await this.auditLog.append(records.map((record) => record.value), new Date());
        this.recorded.inc({ result: 'recorded' }, recorded);
        this.recorded.inc({ result: 'repeated' }, records.length - recorded);
      },
    });
    this.logger.log({ msg: 'consuming', topic: Topic.incidents, group: AUDIT_GROUP });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
