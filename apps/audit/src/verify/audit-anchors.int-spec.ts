import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sqlPool, type SqlPool } from '../../../../test/harness/sql-probe.js';
import { INCIDENT_SCHEMA_VERSION, Topic, type AuditedIncident, type AuditVerification, type IncidentPage, type IncidentRecord } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../../test/harness/postgres.js';
import { SOC_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../../../../test/harness/running-app.js';
import { waitFor } from '../../../../test/harness/wait-for.js';
import { auditApp } from '../audit.app.js';
import { entryHash, type ChainHead } from '../audit-log/audit-chain.js';

const AUDIT_KEY = 'anchors-test-key-0123456789-abcdefghij';

function incident(n: number): IncidentRecord {
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: randomUUID(),
    type: 'ban_imposed',
    severity: 'medium',
    subject: `ip:198.51.100.${n}`,
    rule: 'ip-failures',
    level: 1,
    until: '2026-11-20T10:10:00.000Z',
    attemptIds: [randomUUID()],
    actor: 'policy',
    reason: null,
    at: '2026-11-20T10:00:00.000Z',
    simulated: false,
    policyVersion: 'v-test',
  };
}

/**
 * The three tamperings a hash chain alone misses (issue 13 item 11), done on a real Postgres the
 * way an administrator with the table's rights could (triggers off for the session): rows deleted
 * from the end, a rewrite with every hash recomputed, an emptied table. The audit app runs with
 * WARDEN_AUDIT_KEY; each case starts from a fresh log of five incidents recorded through Kafka.
 */
describe('audit verify against anchors outside the table, on real Kafka and Postgres', () => {
  const prefix = uniqueTopicPrefix('anchors');
  let databaseUrl: string;
  let audit: RunningApp;
  let producer: Producer;
  let db: SqlPool;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_anchors');
    producer = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    audit = await startApp(auditApp, { WARDEN_TOPIC_PREFIX: prefix, WARDEN_TOPIC_PARTITIONS: '1', DATABASE_URL: databaseUrl, WARDEN_AUDIT_KEY: AUDIT_KEY });
    db = sqlPool(databaseUrl, 1);
    // This session may change the append-only table, as a superuser could.
    await db.query('SET session_replication_role = replica');
  });

  afterAll(async () => {
    await db?.end();
    await audit?.close();
    await producer?.disconnect();
    await dropDatabase(databaseUrl);
  });

  async function verify(head?: ChainHead): Promise<AuditVerification> {
    const query = head === undefined ? '' : `?head=${head.sequence}:${head.hash}`;
    const response = await fetch(`${audit.url}/v1/audit/verify${query}`, { headers: { authorization: `Bearer ${SOC_KEY}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as AuditVerification;
  }

  /** Empties the log, records five incidents, and returns its entries and the head `verify` answered. */
  async function freshLog(): Promise<{ entries: AuditedIncident[]; head: ChainHead }> {
    await db.query('DELETE FROM audit_log');
    await producer.send({ topic: prefix + Topic.incidents, messages: Array.from({ length: 5 }, (_, n) => incident(n)).map((each) => ({ key: each.subject, value: JSON.stringify(each) })) });
    const verified = await waitFor('five signed entries', async () => {
      const answer = await verify();
      return answer.checked === 5 ? answer : undefined;
    });
    expect(verified.ok).toBe(true);
    const page = (await (await fetch(`${audit.url}/v1/incidents?limit=10`, { headers: { authorization: `Bearer ${SOC_KEY}` } })).json()) as IncidentPage;
    const entries = [...page.items].reverse();
    return { entries, head: { sequence: verified.checked, hash: verified.headHash! } };
  }

  it('detects rows deleted from the end, given the last known head', async () => {
    const { head } = await freshLog();
    await db.query('DELETE FROM audit_log WHERE seq > 3');
    // The chain that is left is consistent and signed: only the head kept outside shows the loss.
    expect(await verify()).toMatchObject({ ok: true, checked: 3 });
    expect(await verify(head)).toMatchObject({ ok: false, checked: 3, problem: expect.stringContaining('removed from its end') });
  });

  it('detects a rewrite with recomputed hashes, by its signatures, and given the last known head', async () => {
    const { entries, head } = await freshLog();
    let previous = entries[0]!.hash;
    for (const entry of entries.slice(1)) {
      const rewritten = entry.sequence === 2 ? { ...entry, reason: 'nothing to see' } : entry;
      const hash = entryHash(previous, rewritten);
      await db.query('UPDATE audit_log SET reason = $1, hash = $2 WHERE seq = $3', [rewritten.reason, hash, entry.sequence]);
      previous = hash;
    }
    expect(await verify()).toMatchObject({ ok: false, checked: 2, firstBrokenId: entries[1]!.id, problem: expect.stringContaining('signature') });
    expect(await verify(head)).toMatchObject({ ok: false, checked: 2, firstBrokenId: entries[1]!.id });
    // Dropping the signatures that no longer match gives it away too.
    await db.query('UPDATE audit_log SET signature = NULL WHERE seq >= 2');
    expect(await verify()).toMatchObject({ ok: false, firstBrokenId: entries[1]!.id, problem: expect.stringContaining('not signed') });
  });

  it('detects an emptied table, given the last known head', async () => {
    const { head } = await freshLog();
    await db.query('DELETE FROM audit_log');
    expect(await verify()).toMatchObject({ ok: true, checked: 0 });
    expect(await verify(head)).toMatchObject({ ok: false, checked: 0, problem: expect.stringContaining('removed from its end') });
  });

  it('answers the signed head, exports it with the evidence, and refuses a head that is not one', async () => {
    const { head } = await freshLog();
    expect(await verify(head)).toMatchObject({ ok: true, keyed: true, head: { ...head, signature: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const exported = await fetch(`${audit.url}/v1/incidents/export?format=ndjson`, { headers: { authorization: `Bearer ${SOC_KEY}` } });
    expect(exported.headers.get('warden-audit-head')).toBe(`${head.sequence}:${head.hash}`);
    await exported.text();
    const bad = await fetch(`${audit.url}/v1/audit/verify?head=5:xyz`, { headers: { authorization: `Bearer ${SOC_KEY}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'head' }] });
  });
});
