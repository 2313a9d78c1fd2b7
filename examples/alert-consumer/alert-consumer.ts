/**
 * A small alerting consumer of `auth.incidents`: prints every incident of at least a given
 * severity (high by default) as one line, e.g. to pipe into a pager or a chat hook.
 *
 *   npm run build && npx tsc -p examples/alert-consumer
 *   KAFKA_BROKERS=localhost:9092 node dist/examples/alert-consumer/alert-consumer.js
 *
 * Settings: KAFKA_BROKERS (required), WARDEN_TOPIC_PREFIX (as Warden's), ALERT_MIN_SEVERITY
 * (low | medium | high, default high), ALERT_GROUP_ID (default warden-alerts). It joins its own
 * consumer group, so it reads every incident however many Warden instances run, and, like every
 * Kafka consumer, resumes where it stopped. Records are checked against Warden's own schema
 * (docs/asyncapi.yaml documents it); one it cannot read is reported on stderr and skipped.
 */
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { INCIDENT_SEVERITIES, incidentRecordSchema, Topic, type IncidentRecord } from '#warden/contracts';

export type Severity = (typeof INCIDENT_SEVERITIES)[number];

export interface AlertConsumerOptions {
  readonly brokers: readonly string[];
  readonly topicPrefix?: string;
  readonly groupId?: string;
  readonly minSeverity?: Severity;
  /** Where alerts go; a line each. */
  readonly alert?: (line: string) => void;
  /** Where records that cannot be read are reported. */
  readonly warn?: (line: string) => void;
}

/** One line of an alert: severity, time, type, subject, then what explains it. */
export function alertLine(incident: IncidentRecord): string {
  const details = [
    incident.rule && `rule=${incident.rule}`,
    incident.level !== null && `level=${incident.level}`,
    incident.until && `until=${incident.until}`,
    incident.attemptIds.length > 0 && `attempts=${incident.attemptIds.length}`,
    `actor=${incident.actor}`,
    incident.reason && `reason=${JSON.stringify(incident.reason)}`,
    incident.simulated && 'simulated',
  ].filter(Boolean);
  return `[${incident.severity.toUpperCase()}] ${incident.at} ${incident.type} ${incident.subject} ${details.join(' ')}`;
}

export async function startAlertConsumer(options: AlertConsumerOptions): Promise<{ stop(): Promise<void> }> {
  const minimum = INCIDENT_SEVERITIES.indexOf(options.minSeverity ?? 'high');
  const alert = options.alert ?? ((line: string) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kafka = new Kafka({ clientId: 'warden-alert-consumer', brokers: [...options.brokers], logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: options.groupId ?? 'warden-alerts' });
  await consumer.connect();
  await consumer.subscribe({ topic: `${options.topicPrefix ?? ''}${Topic.incidents}`, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      let parsed: ReturnType<typeof incidentRecordSchema.safeParse> | undefined;
      try {
        parsed = incidentRecordSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? ''));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        warn(`skipped an unreadable incident at partition ${partition}, offset ${message.offset}`);
        return;
      }
      if (INCIDENT_SEVERITIES.indexOf(parsed.data.severity) >= minimum) alert(alertLine(parsed.data));
    },
  });
  return { stop: () => consumer.disconnect() };
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((broker) => broker.trim() !== '');
  const minSeverity = (process.env.ALERT_MIN_SEVERITY ?? 'high') as Severity;
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS: required (comma list of host:port)');
  if (!INCIDENT_SEVERITIES.includes(minSeverity)) throw new Error(`ALERT_MIN_SEVERITY: must be one of ${INCIDENT_SEVERITIES.join(', ')}`);
  const consumer = await startAlertConsumer({ brokers, topicPrefix: process.env.WARDEN_TOPIC_PREFIX, groupId: process.env.ALERT_GROUP_ID, minSeverity });
  const stop = () => void consumer.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`alert-consumer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
