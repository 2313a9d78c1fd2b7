import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { Topic, type DeadLetter, type IncidentRecord } from '#warden/contracts';
import { startDistributedWarden, type DistributedWarden } from '../harness/embedded-warden.js';
import { uniqueTopicPrefix } from '../harness/running-app.js';
import { TopicReader } from '../harness/topic-reader.js';
import { waitFor } from '../harness/wait-for.js';

const KEY = 'hostile-key-0001';

/**
 * What issue 13 found, one case each, against all of Warden in one process on the test run's
 * Kafka and Postgres: single records that stopped a consumer for good (DESIGN §8).
 */
describe('records that used to stop Warden', () => {
  const prefix = uniqueTopicPrefix('hostile');
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  let warden: DistributedWarden;
  let producer: Producer;
  let db: pg.Pool;
  let deadLetters: TopicReader<DeadLetter>;
  let incidents: TopicReader<IncidentRecord>;

  beforeAll(async () => {
    warden = await startDistributedWarden(prefix, KEY);
    producer = kafka.producer();
    await producer.connect();
    db = new pg.Pool({ connectionString: warden.databaseUrl, max: 2 });
    deadLetters = await new TopicReader<DeadLetter>(prefix + Topic.dlq).start();
    incidents = await new TopicReader<IncidentRecord>(prefix + Topic.incidents).start();
  }, 120_000);

  afterAll(async () => {
    await deadLetters?.stop();
    await incidents?.stop();
    await producer?.disconnect();
    await db?.end();
    await warden?.stop();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${warden.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers } });
  const attempt = (fields: Record<string, unknown>) => ({ outcome: 'failure', ...fields });
  const event = (fields: Record<string, unknown>) => {
    const at = new Date().toISOString();
    return { schemaVersion: 1, id: randomUUID(), occurredAt: at, receivedAt: at, outcome: 'failure', ...fields };
  };
  const produce = (topic: string, messages: Array<{ key: string | null; value: string | Buffer }>) => producer.send({ topic: prefix + topic, messages });
  const lettersOf = (test: (letter: DeadLetter) => boolean) => deadLetters.values.filter(test);

  /** Five failures of a fresh account from a fresh address: banned on the fifth (DESIGN §7), so the engine still decides. */
  async function expectBruteForceBanned(ip: string, ids: () => string = randomUUID): Promise<void> {
    const account = `victim-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 5; i++) {
      const response = await api('/v1/attempts', { method: 'POST', body: JSON.stringify(attempt({ id: ids(), ip, account })) });
      expect(response.status).toBe(202);
    }
    await waitFor(`the ban of ${account}`, async () => {
      const status = (await (await api(`/v1/status?ip=${ip}&account=${account}`)).json()) as { banned: boolean };
      return status.banned ? true : undefined;
    }, 30_000, 100);
  }

  const hostileAttempts: Array<[string, Record<string, unknown>]> = [
    ['an IPv6 zone id', { ip: 'fe80::1%eth0' }],
    ['a NUL in account', { ip: '192.0.2.1', account: 'a\u0000b' }],
    ['a NUL in userAgent', { ip: '192.0.2.1', userAgent: 'curl\u0000' }],
    ['a NUL in credentialFingerprint', { ip: '192.0.2.1', account: 'a', credentialFingerprint: '\u0000' }],
    ['occurredAt in year 0000', { ip: '192.0.2.1', occurredAt: '0000-01-01T00:00:00Z' }],
    ['an account case-folding makes too long', { ip: '192.0.2.1', account: 'ﬃ'.repeat(320), credentialFingerprint: 'f'.repeat(256) }],
  ];

  it.each(hostileAttempts)('refuses %s over HTTP with a 400 naming the field', async (_what, fields) => {
    const response = await api('/v1/attempts', { method: 'POST', body: JSON.stringify(attempt(fields)) });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('dead-letters each of them produced straight to Kafka, and goes on deciding', async () => {
    const values = hostileAttempts.map(([, fields]) => JSON.stringify(event(fields)));
    await produce(Topic.loginAttempts, values.map((value) => ({ key: '192.0.2.1', value })));
    await waitFor('their dead letters', () => (values.every((value) => lettersOf((letter) => letter.payload === value).length === 1) ? true : undefined), 30_000, 100);
    await expectBruteForceBanned('192.0.2.50');
  });

  it('dead-letters an admin command with a NUL, refuses it over HTTP, and applies the next one', async () => {
    expect((await api('/v1/bans/account:%00?reason=x', { method: 'DELETE' })).status).toBe(400);
    expect((await api('/v1/bans', { method: 'POST', body: JSON.stringify({ account: 'x', durationSeconds: 60, reason: 'a\u0000' }) })).status).toBe(400);
    const at = new Date().toISOString();
    const command = (fields: Record<string, unknown>) =>
      JSON.stringify({ schemaVersion: 1, id: randomUUID(), type: 'ban', durationSeconds: 60, reason: 'test', actor: 'soc', issuedAt: at, ...fields });
    const poisoned = [command({ subject: 'account:\u0000' }), command({ subject: 'account:x', reason: 'a\u0000' })];
    await produce(Topic.adminCommands, poisoned.map((value) => ({ key: 'account:x', value })));
    await waitFor('their dead letters', () => (poisoned.every((value) => lettersOf((letter) => letter.payload === value).length === 1) ? true : undefined), 30_000, 100);
    const banned = await api('/v1/bans', { method: 'POST', body: JSON.stringify({ account: 'after-nul', durationSeconds: 600, reason: 'still applied' }) });
    expect(banned.status).toBe(202);
    await waitFor('the manual ban', async () => ((await (await api('/v1/status?ip=192.0.2.9&account=after-nul')).json()) as { banned: boolean }).banned || undefined, 30_000, 100);
  });

  it('rejects a record with a 2,000-character key once, with a bounded subject, and no loop', async () => {
    const key = `k${'x'.repeat(2_000)}`;
    await produce(Topic.loginAttempts, [{ key, value: 'not json' }]);
    await waitFor('its dead letter', () => (lettersOf((letter) => letter.payload === 'not json').length > 0 ? true : undefined), 30_000, 100);
    const [letter] = lettersOf((candidate) => candidate.payload === 'not json');
    const position = `${letter!.topic}/${letter!.partition}@${letter!.offset}`;
    await waitFor('its incident in the audit log', async () => {
      const { rows } = await db.query('SELECT subject FROM audit_log WHERE reason LIKE $1', [`${position}:%`]);
      return rows.length > 0 ? rows : undefined;
    }, 30_000, 100).then((rows) => expect(rows).toEqual([{ subject: `record:${position}` }]));
    // A later brute force is decided and audited: had the incident been refused, its refusal would be refused again, forever.
    await expectBruteForceBanned('192.0.2.51');
    expect(lettersOf((candidate) => candidate.topic === Topic.incidents)).toEqual([]);
  });

  it('dead-letters a 1,000,000-byte bad value with a bounded copy, and stays ready', async () => {
    const value = Buffer.alloc(1_000_000, 'y');
    await produce(Topic.loginAttempts, [{ key: '192.0.2.1', value }]);
    const letter = await waitFor('its dead letter', () => lettersOf((candidate) => candidate.payloadBytes === 1_000_000)[0], 60_000, 100);
    expect(letter).toMatchObject({ payloadTruncated: true, payloadEncoding: 'utf8' });
    expect(letter.payload.length).toBeLessThanOrEqual(64 * 1024);
    expect((await fetch(`${warden.url}/health/ready`)).status).toBe(200);
    await expectBruteForceBanned('192.0.2.52');
  });

  it('counts attempts whose ids are upper case (RFC 9562: they compare case-insensitively)', async () => {
    await expectBruteForceBanned('192.0.2.53', () => randomUUID().toUpperCase());
  });

  it("survives the audit app's database connections being cut, and records incidents afterwards", async () => {
    const name = decodeURIComponent(new URL(warden.databaseUrl).pathname.slice(1));
    const cut = await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'warden'", [name]);
    expect(cut.rowCount).toBeGreaterThan(0);
    const before = incidents.values.length;
    await expectBruteForceBanned('192.0.2.54');
    await waitFor('a new incident in the audit log', async () => {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM audit_log WHERE subject LIKE 'account-ip:victim-%|192.0.2.54'");
      return rows[0].n > 0 ? true : undefined;
    }, 30_000, 100);
    await waitFor('the new incident at the test\'s reader', () => (incidents.values.length > before ? true : undefined));
    expect(warden.process.child.exitCode).toBeNull();
  });
});
