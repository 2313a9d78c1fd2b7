import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Topic, type AdminCommandAccepted, type AuditedIncident, type BanExplanation, type IncidentPage, type LoginAttemptEvent } from '#warden/contracts';
import { auditApp } from '../../apps/audit/src/audit.app.js';
import { banEngineApp } from '../../apps/ban-engine/src/ban-engine.app.js';
import { SOC_KEY, startApp, TEST_API_KEYS, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { eventually, waitFor } from '../harness/wait-for.js';

const ADMIN_KEY = 'admin-key-0001';

/** The engine and the audit app on one Kafka and Postgres: attempts in, incidents out through the audit API. */
describe('audit API over the running pipeline', () => {
  let audit: RunningApp;
  let engine: RunningApp;
  let producer: Producer;
  const run = randomBytes(3).toString('hex');
  const prefix = uniqueTopicPrefix('audit-e2e');

  beforeAll(async () => {
    const env = { WARDEN_TOPIC_PREFIX: prefix, WARDEN_API_KEYS: `${TEST_API_KEYS};admin:${ADMIN_KEY}:audit:read,bans:write` };
    [engine, audit] = await Promise.all([startApp(banEngineApp, env), startApp(auditApp, env)]);
    producer = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await Promise.all([audit?.close(), engine?.close()]);
  });

  async function call<T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${audit.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  const incidentsOf = async (subject: string, type: string) =>
    (await call<IncidentPage>('GET', `/v1/incidents?subject=${encodeURIComponent(subject)}&type=${type}`, SOC_KEY)).body.items;

  const waitForIncident = (subject: string, type: string) =>
    waitFor(`a ${type} incident of ${subject}`, async () => (await incidentsOf(subject, type))[0], 60_000, 200);

  it('shows a ban the engine imposed as an incident, and explains it', async () => {
    const account = `victim-${run}`;
    const ip = '203.0.113.50';
    const now = new Date().toISOString();
    const attempts: LoginAttemptEvent[] = Array.from({ length: 5 }, (_, n) => ({
      schemaVersion: 1,
      id: randomUUID(),
      occurredAt: now,
      receivedAt: now,
      outcome: 'failure',
      ip,
      account,
      credentialFingerprint: `fp-${n}`,
    }));
    await producer.send({ topic: prefix + Topic.loginAttempts, messages: attempts.map((each) => ({ key: ip, value: JSON.stringify(each) })) });

    const subject = `account-ip:${account}|${ip}`;
    const incident: AuditedIncident = await waitForIncident(subject, 'ban_imposed');
    expect(incident).toMatchObject({ rule: 'account-ip-failures', level: 1, actor: 'policy', severity: expect.any(String) });
    expect([...incident.attemptIds].sort()).toEqual(attempts.map((each) => each.id).sort());

    await eventually(async () => {
      const { status, body } = await call<BanExplanation>('GET', `/v1/bans/${encodeURIComponent(subject)}/explain`, SOC_KEY);
      expect(status).toBe(200);
      expect(body).toMatchObject({ subject, status: 'active', rule: 'account-ip-failures', level: 1, policyVersion: incident.policyVersion });
      expect([...body.attemptIds].sort()).toEqual(attempts.map((each) => each.id).sort());
      expect(body.history).toMatchObject([{ type: 'ban_imposed', level: 1, actor: 'policy' }]);
    }, 30_000);
  });

  it('bans and unbans by hand through admin commands, with the key name as actor', async () => {
    const account = `Intruder-${run}`;
    const subject = `account:intruder-${run}`;
    const banned = await call<AdminCommandAccepted>('POST', '/v1/bans', ADMIN_KEY, { account, durationSeconds: 600, reason: 'ticket 42' });
    expect(banned).toMatchObject({ status: 202, body: { subject, id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(await waitForIncident(subject, 'manual_ban')).toMatchObject({ actor: 'admin', reason: 'ticket 42', rule: 'manual' });

    const lifted = await call<AdminCommandAccepted>('DELETE', `/v1/bans/${encodeURIComponent(`account:${account}`)}?reason=resolved`, ADMIN_KEY);
    expect(lifted).toMatchObject({ status: 202, body: { subject } });
    expect(await waitForIncident(subject, 'manual_unban')).toMatchObject({ actor: 'admin', reason: 'resolved' });
    await eventually(async () => {
      const { body } = await call<BanExplanation>('GET', `/v1/bans/${encodeURIComponent(subject)}/explain`, SOC_KEY);
      expect(body.status).toBe('lifted');
      expect(body.history.map((change) => change.type)).toEqual(['manual_ban', 'manual_unban']);
    });
  });

  it('takes a range with its slash URL-encoded', async () => {
    const lifted = await call<AdminCommandAccepted>('DELETE', `/v1/bans/${encodeURIComponent('range:198.51.100.77/24')}?reason=cleanup`, ADMIN_KEY);
    expect(lifted).toMatchObject({ status: 202, body: { subject: 'range:198.51.100.0/24' } });
  });

  it('answers bad ban commands with problems, and needs bans:write', async () => {
    const bad = await call<{ errors: Array<{ field: string }> }>('POST', '/v1/bans', ADMIN_KEY, { ip: '192.0.2.1', account: 'x', durationSeconds: 60, reason: 'r' });
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ field: 'ip' }] } });
    expect((await call('POST', '/v1/bans', ADMIN_KEY, { ip: '192.0.2.999', durationSeconds: 60, reason: 'r' })).status).toBe(400);
    expect((await call('POST', '/v1/bans', ADMIN_KEY, { ip: '192.0.2.1', durationSeconds: 0, reason: 'r' })).status).toBe(400);
    expect((await call('POST', '/v1/bans', ADMIN_KEY, { ip: '192.0.2.1', durationSeconds: 60 })).status).toBe(400);
    expect((await call('DELETE', '/v1/bans/ip%3A192.0.2.1', ADMIN_KEY)).status).toBe(400);
    expect((await call('DELETE', '/v1/bans/host%3Aexample.org?reason=x', ADMIN_KEY)).status).toBe(400);
    expect((await call('POST', '/v1/bans', SOC_KEY, { ip: '192.0.2.1', durationSeconds: 60, reason: 'r' })).status).toBe(403);
    expect((await call('GET', `/v1/bans/${encodeURIComponent('ip:192.0.2.123')}/explain`, SOC_KEY)).status).toBe(404);
  });

  it('serves its OpenAPI document at /docs, without a key', async () => {
    const page = await fetch(`${audit.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/v1/incidents/export');
    const document = (await (await fetch(`${audit.url}/docs/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/v1/audit/verify');
    expect(await (await fetch(`${audit.url}/docs/openapi.yaml`)).text()).toMatch(/^openapi: 3\.1\.0/);
  });
});
