import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { INCIDENT_SCHEMA_VERSION, Topic, type AuditedIncident, type AuditVerification, type IncidentPage, type IncidentRecord } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { EDGE_KEY, SOC_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { eventually, waitFor } from '../../../test/harness/wait-for.js';
import { auditApp } from './audit.app.js';
import { AUDIT_GROUP } from './record-incidents/incidents.consumer.js';

const run = promisify(execFile);
const T0 = Date.parse('2026-11-20T10:00:00.000Z');

function incident(fields: Partial<IncidentRecord> & { subject: string; minute: number }): IncidentRecord {
  const { minute, ...rest } = fields;
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: randomUUID(),
    type: 'ban_imposed',
    severity: 'medium',
    rule: 'ip-failures',
    level: 1,
    until: new Date(T0 + (minute + 10) * 60_000).toISOString(),
    attemptIds: [randomUUID(), randomUUID()],
    actor: 'policy',
    reason: null,
    at: new Date(T0 + minute * 60_000).toISOString(),
    simulated: false,
    policyVersion: 'v-test',
    ...rest,
  };
}

/** The audit app on real Kafka and a Postgres database of its own (the chain is the whole table). */
describe('audit log on real Kafka and Postgres', () => {
  const prefix = uniqueTopicPrefix('audit');
  let databaseUrl: string;
  let audit: RunningApp;
  let producer: Producer;
  let admin: Admin;

  const start = async () => (audit = await startApp(auditApp, { WARDEN_TOPIC_PREFIX: prefix, WARDEN_TOPIC_PARTITIONS: '3', DATABASE_URL: databaseUrl }));

  async function get<T>(path: string, key = SOC_KEY): Promise<{ status: number; body: T; response: Response }> {
    const response = await fetch(`${audit.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && !/ndjson/.test(response.headers.get('content-type') ?? '');
    return { status: response.status, body: (json ? JSON.parse(text) : text) as T, response };
  }

  async function produce(incidents: readonly IncidentRecord[]) {
    await producer.send({ topic: prefix + Topic.incidents, messages: incidents.map((each) => ({ key: each.subject, value: JSON.stringify(each) })) });
  }

  async function allPages(query: string, limit: number): Promise<AuditedIncident[]> {
    const items: AuditedIncident[] = [];
    let cursor: string | null = null;
    do {
      const { body }: { body: IncidentPage } = await get<IncidentPage>(`/v1/incidents?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return items;
  }

  /** Waits until the audit consumer group has committed every offset of the incidents topic. */
  async function caughtUp() {
    const topic = prefix + Topic.incidents;
    await waitFor('the audit consumer to commit the whole topic', async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: prefix + AUDIT_GROUP, topics: [topic] });
      const at = new Map(committed!.partitions.map((partition) => [partition.partition, partition.offset]));
      return ends.every((end) => at.get(end.partition) === end.high) ? true : undefined;
    }, 60_000, 200);
  }

  const count = async () => (await get<AuditVerification>('/v1/audit/verify')).body.checked;

  const seeded = [
    incident({ subject: 'ip:203.0.113.7', minute: 0 }),
    incident({ subject: 'ip:203.0.113.7', minute: 1, type: 'ban_escalated', level: 2 }),
    incident({ subject: 'account:alice', minute: 2, rule: 'account-failures', severity: 'high' }),
    incident({ subject: 'account:alice', minute: 3, type: 'manual_unban', actor: 'soc', reason: 'false positive', rule: 'manual' }),
    incident({ subject: 'range:198.51.100.0/24', minute: 4, rule: 'range-failures' }),
    incident({ subject: 'ip:192.0.2.1', minute: 5, type: 'allowlist_hit', severity: 'low', until: null, level: null, attemptIds: [] }),
    incident({ subject: 'ip:203.0.113.7', minute: 6, type: 'ban_expired', severity: 'low' }),
  ];

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_audit');
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    await start();
    await produce(seeded);
    await waitFor('the seeded incidents in the log', async () => ((await count()) >= seeded.length ? true : undefined));
  });

  afterAll(async () => {
    await audit?.close();
    await Promise.all([producer.disconnect(), admin.disconnect()]);
    await dropDatabase(databaseUrl);
  });

  it('records each incident with its fields, newest first, hash-chained', async () => {
    const { status, body } = await get<IncidentPage>('/v1/incidents');
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((item) => item.sequence)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    const alice = body.items.find((item) => item.id === seeded[3]!.id)!;
    const { hash, sequence, recordedAt, ...record } = alice;
    expect(record).toEqual(seeded[3]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sequence).toBeGreaterThan(0);
    expect(Date.parse(recordedAt)).toBeGreaterThan(T0);
    expect(await get('/v1/audit/verify')).toMatchObject({ status: 200, body: { ok: true, checked: seeded.length } });
  });

  it('filters by subject, type and time ([from, to))', async () => {
    const ids = async (query: string) => (await get<IncidentPage>(`/v1/incidents?${query}`)).body.items.map((item) => item.id);
    expect(await ids('subject=ip%3A203.0.113.7')).toEqual([seeded[6]!.id, seeded[1]!.id, seeded[0]!.id]);
    expect(await ids('type=manual_unban')).toEqual([seeded[3]!.id]);
    expect(await ids(`from=${seeded[2]!.at}&to=${seeded[4]!.at}`)).toEqual([seeded[3]!.id, seeded[2]!.id]);
    expect(await ids('subject=account%3AALICE&type=ban_imposed')).toEqual([seeded[2]!.id]);
  });

  it('pages with a cursor that neither skips nor repeats while new incidents arrive', async () => {
    const before = await allPages('', 100);
    const first = await get<IncidentPage>('/v1/incidents?limit=3');
    const arriving = [incident({ subject: 'ip:203.0.113.99', minute: 30 }), incident({ subject: 'ip:203.0.113.98', minute: 31 })];
    await produce(arriving);
    await waitFor('the new incidents', async () => ((await count()) >= before.length + 2 ? true : undefined));
    const rest: AuditedIncident[] = [];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await get<IncidentPage>(`/v1/incidents?limit=3&cursor=${cursor}`);
      rest.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect([...first.body.items, ...rest].map((item) => item.id)).toEqual(before.map((item) => item.id));
    // Two subjects, two partitions: which of them was recorded first is Kafka's choice.
    const newest = (await get<IncidentPage>('/v1/incidents?limit=2')).body.items.map((item) => item.id);
    expect(newest.sort()).toEqual(arriving.map((each) => each.id).sort());
  });

  it('exports every incident oldest first as NDJSON and as CSV', async () => {
    const all = (await allPages('', 1_000)).reverse();
    const ndjson = await get<string>('/v1/incidents/export');
    expect(ndjson.response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(ndjson.body.trim().split('\n').map((line) => JSON.parse(line))).toEqual(all);
    const csv = await get<string>(`/v1/incidents/export?format=csv&from=${encodeURIComponent(seeded[3]!.at)}&to=${encodeURIComponent(seeded[4]!.at)}`);
    expect(csv.response.headers.get('content-type')).toContain('text/csv');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('sequence,id,type,severity,subject,rule,level,until,attemptIds,actor,reason,at,simulated,policyVersion,recordedAt,hash');
    const sequence = all.find((item) => item.id === seeded[3]!.id)!.sequence;
    expect(lines[1]).toContain(`${sequence},${seeded[3]!.id},manual_unban,medium,account:alice,manual,1,`);
    expect(lines[1]).toContain(`,${seeded[3]!.attemptIds.join(' ')},soc,false positive,${seeded[3]!.at},false,v-test,`);
    expect(lines.slice(2)).toEqual(['']);
  });

  it('records an incident sent again once', async () => {
    const before = await count();
    const marker = incident({ subject: 'account:alice', minute: 40 });
    // Same key, same partition: once the marker is in, the repeats before it were read too.
    await produce([seeded[2]!, seeded[3]!, { ...seeded[3]!, id: seeded[3]!.id.toUpperCase() }, marker]);
    await waitFor('the marker', async () => ((await count()) > before ? true : undefined));
    expect(await count()).toBe(before + 1);
  });

  it('adds no row when the incidents topic is replayed from its beginning', async () => {
    await caughtUp();
    const before = await allPages('', 1_000);
    await audit.close();
    await admin.resetOffsets({ groupId: prefix + AUDIT_GROUP, topic: prefix + Topic.incidents, earliest: true });
    await start();
    await caughtUp();
    expect(await allPages('', 1_000)).toEqual(before);
    expect((await get<AuditVerification>('/v1/audit/verify')).body).toMatchObject({ ok: true, checked: before.length });
  });

  it('answers bad requests with problems naming the fault, and needs audit:read', async () => {
    const bad = async (query: string) => (await get<{ status: number; errors: Array<{ field: string }> }>(`/v1/incidents?${query}`)).body;
    expect(await bad('limit=0')).toMatchObject({ status: 400, errors: [{ field: 'limit' }] });
    expect(await bad('type=ban_forever')).toMatchObject({ status: 400, errors: [{ field: 'type' }] });
    expect(await bad('from=yesterday')).toMatchObject({ status: 400, errors: [{ field: 'from' }] });
    expect(await bad('sort=asc')).toMatchObject({ status: 400, errors: [{ field: 'sort' }] });
    expect(await bad('cursor=bm90LWEtbnVtYmVy')).toMatchObject({ status: 400, errors: [{ field: 'cursor' }] });
    expect(await bad(`from=${seeded[4]!.at}&to=${seeded[2]!.at}`)).toMatchObject({ status: 400, errors: [{ field: 'from' }] });
    expect((await get('/v1/incidents/export?format=xml')).status).toBe(400);
    expect((await get('/v1/incidents', 'not-a-key')).status).toBe(401);
    expect((await get('/v1/audit/verify', EDGE_KEY)).status).toBe(403);
  });

  // Last: it breaks the chain of this file's database on purpose.
  it('refuses changes to the log, and names the row that psql altered behind its back', async () => {
    const victim = seeded[2]!;
    const { sequence } = (await allPages('', 1_000)).find((item) => item.id === victim.id)!;
    const psql = (sql: string) => run('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-c', sql]);
    await expect(psql(`UPDATE audit_log SET subject = 'account:mallory' WHERE id = '${victim.id}'`)).rejects.toThrow(/append-only/);
    await expect(psql(`DELETE FROM audit_log WHERE id = '${victim.id}'`)).rejects.toThrow(/append-only/);
    expect((await get<AuditVerification>('/v1/audit/verify')).body.ok).toBe(true);

    // A superuser can switch triggers off for a session; the hash chain still gives it away.
    await psql(`SET session_replication_role = replica; UPDATE audit_log SET subject = 'account:mallory' WHERE id = '${victim.id}'`);
    await eventually(async () =>
      expect((await get<AuditVerification>('/v1/audit/verify')).body).toMatchObject({ ok: false, checked: sequence, firstBrokenId: victim.id }),
    );
  });
});
