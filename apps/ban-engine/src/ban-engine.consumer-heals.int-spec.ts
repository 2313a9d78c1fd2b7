import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { Topic, type DeadLetter } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { TopicReader } from '../../../test/harness/topic-reader.js';
import { sqlPool } from '../../../test/harness/sql-probe.js';
import { waitFor } from '../../../test/harness/wait-for.js';
import { banEngineApp } from './ban-engine.app.js';

/**
 * A kafkajs consumer that dies of a non-retriable error is started again, and readiness says 503,
 * naming it, until it runs (DESIGN §8). The test makes the DLQ refuse every record (its
 * `max.message.bytes` far too small), so dead-lettering a bad attempt fails with MESSAGE_TOO_LARGE,
 * which kafkajs does not retry: the consumer crashes until the topic accepts records again.
 */
describe('ban engine consumers that heal', () => {
  const prefix = uniqueTopicPrefix('heals');
  const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let databaseUrl: string;
  let engine: RunningApp;

  const setDlqMaxBytes = (value: string) =>
    admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: prefix + Topic.dlq, configEntries: [{ name: 'max.message.bytes', value }] }],
    });
  const readiness = async () => {
    const response = await fetch(`${engine.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as { checks?: Record<string, string> } };
  };

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_heals');
    engine = await startApp(banEngineApp, { WARDEN_TOPIC_PREFIX: prefix, DATABASE_URL: databaseUrl, WARDEN_TOPIC_PARTITIONS: '1' });
    await admin.connect();
  });

  afterAll(async () => {
    await engine.close();
    await admin.disconnect();
    await dropDatabase(databaseUrl);
  });

  it('restarts a consumer killed by a non-retriable error, saying 503 in between', async () => {
    const deadLetters = await new TopicReader<DeadLetter>(prefix + Topic.dlq).start();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await waitFor('readiness', async () => ((await readiness()).status === 200 ? true : undefined), 30_000);
      await setDlqMaxBytes('64');
      await producer.send({ topic: prefix + Topic.loginAttempts, messages: [{ key: '192.0.2.1', value: 'not json at all' }] });

      const down = await waitFor('readiness to say 503', async () => {
        const answer = await readiness();
        return answer.status === 503 ? answer.body : undefined;
      }, 60_000, 100);
      expect(down.checks).toMatchObject({ 'network-stage': 'down' });
      const metrics = await (await fetch(`${engine.url}/metrics`)).text();
      expect(metrics).toMatch(/^warden_consumer_running\{[^}]*group="warden-ban-engine"[^}]*\} [01]$/m);

      await setDlqMaxBytes('1048588');
      await waitFor('readiness to say 200 again', async () => ((await readiness()).status === 200 ? true : undefined), 90_000, 200);
      await waitFor('the dead letter', () => (deadLetters.values.length > 0 ? true : undefined), 30_000);
      expect(deadLetters.values.map((letter) => letter.payload)).toEqual(['not json at all']);

      // And the engine decides again: a brute force is banned on its fifth failure.
      const at = new Date().toISOString();
      await producer.send({
        topic: prefix + Topic.loginAttempts,
        messages: Array.from({ length: 5 }, () => ({
          key: '192.0.2.2',
          value: JSON.stringify({ schemaVersion: 1, id: randomUUID(), occurredAt: at, receivedAt: at, outcome: 'failure', ip: '192.0.2.2', account: 'victim' }),
        })),
      });
      const db = sqlPool(databaseUrl, 1);
      try {
        await waitFor('the ban', async () => {
          const { rows } = await db.query("SELECT level FROM bans WHERE subject = 'account-ip:victim|192.0.2.2'");
          return rows.length > 0 ? rows : undefined;
        }, 30_000, 100);
      } finally {
        await db.end();
      }
    } finally {
      await producer.disconnect();
      await deadLetters.stop();
    }
  });
});
