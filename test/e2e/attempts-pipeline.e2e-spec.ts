import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import pg from 'pg';
import { Topic, type DeadLetter, type IncidentRecord } from '#warden/contracts';
import { banEngineApp } from '../../apps/ban-engine/src/ban-engine.app.js';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { EDGE_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { TopicReader } from '../harness/topic-reader.js';
import { eventually, waitFor } from '../harness/wait-for.js';

/**
 * The first slice through the real pipe: HTTP → gateway-api → Kafka → ban-engine → Postgres,
 * on the broker and database of this test run.
 */
describe('attempts pipeline (real Kafka and Postgres)', () => {
  const prefix = uniqueTopicPrefix('pipeline');
  const env = { WARDEN_TOPIC_PREFIX: prefix, WARDEN_TOPIC_PARTITIONS: '3' };
  let gateway: RunningApp;
  let engine: RunningApp;
  let db: pg.Pool;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    gateway = await startApp(gatewayApiApp, env);
    engine = await startApp(banEngineApp, env);
    db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await Promise.all([gateway.close(), engine.close()]);
    await db.end();
  });

  const post = (body: unknown) =>
    fetch(`${gateway.url}/v1/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EDGE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function storedRows(ids: readonly string[]) {
    const { rows } = await db.query('SELECT * FROM login_attempts WHERE id = ANY($1::uuid[]) ORDER BY occurred_at', [ids]);
    return rows;
  }

  const waitForRows = (ids: readonly string[]) =>
    waitFor(`${ids.length} attempts in Postgres`, async () => {
      const rows = await storedRows(ids);
      return rows.length === ids.length ? rows : undefined;
    });

  it('stores attempts posted over HTTP in Postgres, through Kafka', async () => {
    const occurredAt = new Date(Date.now() - 1_000).toISOString();
    const response = await post([
      { outcome: 'failure', ip: '203.0.113.7', account: 'Alice', credentialFingerprint: 'fp-1', occurredAt },
      { outcome: 'success', ip: '::ffff:198.51.100.4', account: 'bob', endpoint: '/login', tenant: 't1', userAgent: 'curl/8' },
      { outcome: 'failure', ip: '2001:db8::1' },
    ]);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; ids: string[] };
    expect(body.accepted).toBe(3);
    expect(body.ids).toHaveLength(3);

    const rows = await waitForRows(body.ids);
    const first = rows.find((row) => row.id === body.ids[0]);
    expect(first).toMatchObject({ outcome: 'failure', ip: '203.0.113.7', account: 'Alice', credential_fingerprint: 'fp-1' });
    expect(first.occurred_at.toISOString()).toBe(occurredAt);
    expect(rows.find((row) => row.id === body.ids[1])).toMatchObject({ endpoint: '/login', tenant: 't1', user_agent: 'curl/8' });
  });

  it('stores an attempt posted twice with the same id once, keeping the first', async () => {
    const id = randomUUID();
    expect((await post({ id, outcome: 'failure', ip: '192.0.2.10', account: 'carol' })).status).toBe(202);
    expect((await post({ id, outcome: 'success', ip: '192.0.2.10', account: 'carol' })).status).toBe(202);
    // A later attempt from the same IP (same partition) is stored only after both copies were read.
    const after = randomUUID();
    expect((await post({ id: after, outcome: 'failure', ip: '192.0.2.10' })).status).toBe(202);
    await waitForRows([after]);
    const rows = await storedRows([id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].outcome).toBe('failure');
    // Counted once the batch's transaction has returned, a moment after its rows are visible.
    await eventually(async () => {
      const metrics = await (await fetch(`${engine.url}/metrics`)).text();
      expect(metrics).toMatch(/warden_engine_attempts_total\{stage="network",result="repeated",app="ban-engine"\} [1-9]/);
    });
  });

  it('sends a malformed record to auth.dlq, records an attempt_rejected incident, and goes on consuming', async () => {
    const incidents = await new TopicReader<IncidentRecord>(prefix + Topic.incidents).start();
    const dlq: Consumer = kafka.consumer({ groupId: `${prefix}dlq-reader` });
    const letters: DeadLetter[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: prefix + Topic.dlq, fromBeginning: true });
    await dlq.run({ eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value!.toString())) });
    try {
      const good = randomUUID();
      const wellFormed = {
        schemaVersion: 1,
        id: good,
        occurredAt: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
        outcome: 'failure',
        ip: '198.51.100.99',
      };
      await producer.send({
        topic: prefix + Topic.loginAttempts,
        messages: [
          { key: '198.51.100.99', value: '{"this is": not json' },
          { key: '198.51.100.99', value: JSON.stringify({ ...wellFormed, id: 'nope', outcome: 'maybe' }) },
          { key: '198.51.100.99', value: JSON.stringify(wellFormed) },
        ],
      });
      await waitForRows([good]);
      const found = await waitFor('two dead letters', () => (letters.length >= 2 ? letters : undefined));
      expect(found.map((letter) => letter.topic)).toEqual([Topic.loginAttempts, Topic.loginAttempts]);
      expect(found[0]).toMatchObject({ error: 'the value is not JSON', payload: '{"this is": not json', payloadEncoding: 'utf8' });
      expect(found[1]!.error).toMatch(/id: .*outcome: /);
      expect(Number(found[1]!.offset)).toBe(Number(found[0]!.offset) + 1);
      const rejected = await waitFor('two attempt_rejected incidents', () => {
        const found = incidents.values.filter((incident) => incident.type === 'attempt_rejected');
        return found.length >= 2 ? found : undefined;
      });
      expect(rejected.map((incident) => incident.subject)).toEqual(['ip:198.51.100.99', 'ip:198.51.100.99']);
      expect(rejected[0]!.reason).toContain(`${Topic.loginAttempts}/${found[0]!.partition}@${found[0]!.offset}: the value is not JSON`);
      expect(new Set(rejected.map((incident) => incident.id)).size).toBe(2);
    } finally {
      await incidents.stop();
      await dlq.disconnect();
    }
  });

  it('reports ready only with its infrastructure up, and serves metrics', async () => {
    for (const app of [gateway, engine]) {
      const ready = await fetch(`${app.url}/health/ready`);
      expect(ready.status).toBe(200);
      // The bus check is `bus`, and the parts say it is Kafka (the embedded mode says in-process).
      expect((await ready.json()) as { checks: Record<string, string>; parts: Record<string, string> }).toMatchObject({ checks: { bus: 'up' }, parts: { bus: 'kafka' } });
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    }
    const engineChecks = (await (await fetch(`${engine.url}/health/ready`)).json()) as { checks: Record<string, string> };
    expect(engineChecks.checks).toEqual({ bus: 'up', postgres: 'up', 'network-stage': 'up', 'account-stage': 'up', 'admin-commands-consumer': 'up', 'attempts-archiver': 'up' });
    const metrics = await fetch(`${gateway.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toMatch(/warden_attempts_accepted_total\{app="gateway-api"\} \d+/);
  });
});
