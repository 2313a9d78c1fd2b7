import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { INCIDENT_SCHEMA_VERSION, Topic, type IncidentRecord } from '#warden/contracts';
import { startAlertConsumer } from '../../examples/alert-consumer/alert-consumer.js';
import { uniqueTopicPrefix } from '../harness/running-app.js';
import { waitFor } from '../harness/wait-for.js';

const incident = (subject: string, severity: IncidentRecord['severity']): IncidentRecord => ({
  schemaVersion: INCIDENT_SCHEMA_VERSION,
  id: randomUUID(),
  type: 'ban_imposed',
  severity,
  subject,
  rule: 'account-failures',
  level: 3,
  until: '2026-11-23T12:00:00.000Z',
  attemptIds: [randomUUID()],
  actor: 'policy',
  reason: null,
  at: '2026-11-23T11:00:00.000Z',
  simulated: false,
  policyVersion: 'v1',
});

/** examples/alert-consumer on a real broker: high-severity incidents out, the rest and garbage left. */
describe('the example alert consumer', () => {
  it('prints high-severity incidents and skips the others and unreadable records', async () => {
    const prefix = uniqueTopicPrefix('alerts');
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: prefix + Topic.incidents, numPartitions: 1 }] });
    const alerts: string[] = [];
    const warnings: string[] = [];
    const consumer = await startAlertConsumer({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      topicPrefix: prefix,
      groupId: `${prefix}alerts`,
      alert: (line) => alerts.push(line),
      warn: (line) => warnings.push(line),
    });
    try {
      // The consumer starts at the end of the topic: send warm-ups until it has joined and seen one.
      await waitFor('the consumer to see a warm-up incident', async () => {
        await producer.send({ topic: prefix + Topic.incidents, messages: [{ key: 'k', value: JSON.stringify(incident('account:warm-up', 'high')) }] });
        return alerts.length > 0 ? true : undefined;
      }, 60_000, 1_000);
      const records = [incident('ip:192.0.2.1', 'low'), incident('account:cfo', 'medium'), { garbage: true }, incident('account:cto', 'high')];
      await producer.send({ topic: prefix + Topic.incidents, messages: records.map((value) => ({ key: 'k', value: JSON.stringify(value) })) });
      await waitFor('the last high incident', () => (alerts.some((line) => line.includes('account:cto')) ? true : undefined));
      expect(alerts.filter((line) => !line.includes('account:warm-up'))).toEqual([`[HIGH] 2026-11-23T11:00:00.000Z ban_imposed account:cto rule=account-failures level=3 until=2026-11-23T12:00:00.000Z attempts=1 actor=policy`]);
      expect(warnings).toEqual([expect.stringMatching(/skipped an unreadable incident at partition 0, offset \d+/)]);
    } finally {
      await consumer.stop();
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});
