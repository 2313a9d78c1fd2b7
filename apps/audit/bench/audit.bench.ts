/**
 * `npm run bench:audit`: incidents/s recorded by the audit app (Kafka in, one hash-chained
 * transaction per batch), beside a baseline of plain multi-row INSERTs of the same rows through
 * `pg` into a table of the same columns and indexes, in the same run on the same Postgres.
 * Also times `GET /v1/audit/verify` over the whole log.
 * Kafka: KAFKA_BROKERS, else a broker started from Maven Central; Postgres: a database created on
 * DATABASE_URL's server (or 127.0.0.1:5432) and dropped afterwards. BENCH_INCIDENTS sets the count.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { SqlPool } from '../../../test/harness/sql-probe.js';
import { INCIDENT_SCHEMA_VERSION, INCIDENT_TYPES, Topic, type IncidentRecord } from '#warden/contracts';
import { createApp } from '#warden/runtime';
import {
  BENCH_API_KEY,
  benchConfig,
  perSecond,
  produceAll,
  progress,
  say,
  timeRowsUntil,
  withBenchRig,
  type BenchRig,
} from '../../../test/harness/bench-rig.js';
import { auditApp } from '../src/audit.app.js';
import { chainIncidents, EMPTY_CHAIN, entrySignature } from '../src/audit-log/audit-chain.js';

const TOTAL = Number(process.env.BENCH_INCIDENTS ?? 200_000);
const INSERT_ROWS = 1_000;
/** The audit app signs as it does in production (WARDEN_AUDIT_KEY set); the baseline stores the same signatures. */
const AUDIT_KEY = 'bench-audit-key-0123456789abcdefghijklmnop';

function incidents(now: number): IncidentRecord[] {
  return Array.from({ length: TOTAL }, (_, n) => ({
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: randomUUID(),
    type: INCIDENT_TYPES[n % 3]!,
    severity: n % 10 === 0 ? 'high' : 'medium',
    subject: n % 2 === 0 ? `ip:10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` : `account-ip:user-${n % 50_000}|10.0.${(n >> 8) & 255}.${n & 255}`,
    rule: 'ip-failures',
    level: 1 + (n % 4),
    until: new Date(now + 600_000).toISOString(),
    attemptIds: Array.from({ length: 5 }, () => randomUUID()),
    actor: 'policy',
    reason: null,
    at: new Date(now - TOTAL + n).toISOString(),
    simulated: false,
    policyVersion: 'bench',
  }));
}

/** The same rows, through `pg`, as multi-row `INSERT … VALUES` of 1,000 rows each: what Postgres alone costs. */
async function timeBaseline(pool: SqlPool, list: readonly IncidentRecord[]): Promise<number> {
  await pool.query('CREATE TABLE audit_log_baseline (LIKE audit_log INCLUDING ALL)');
  const rows = chainIncidents(EMPTY_CHAIN, list, new Date());
  const signatures = rows.map((row) => entrySignature(AUDIT_KEY, row));
  const started = performance.now();
  for (let start = 0; start < rows.length; start += INSERT_ROWS) {
    const chunk = rows.slice(start, start + INSERT_ROWS);
    const params: unknown[] = [];
    const tuples = chunk.map((row, n) => {
      const values = [row.sequence, row.id, row.type, row.severity, row.subject, row.rule, row.level, row.until, row.attemptIds, row.actor,
        row.reason, row.at, row.simulated, row.policyVersion, row.recordedAt, row.hash, signatures[start + n]];
      const first = params.length;
      params.push(...values);
      return `(${values.map((_, i) => `$${first + i + 1}`).join(', ')})`;
    });
    await pool.query(`INSERT INTO audit_log_baseline VALUES ${tuples.join(', ')}`, params);
    progress(`baseline: ${Math.min(start + INSERT_ROWS, rows.length).toLocaleString('en')} / ${rows.length.toLocaleString('en')} rows inserted`);
  }
  const ms = performance.now() - started;
  process.stdout.write('\n');
  return perSecond(rows.length, ms);
}

async function timeAudit(rig: BenchRig): Promise<{ rate: number; verifyRate: number }> {
  const app = await createApp(auditApp, { ...benchConfig(rig), auditKey: AUDIT_KEY });
  await app.listen(0, '127.0.0.1');
  const rate = await timeRowsUntil(rig, 'audit_log', TOTAL, 'audit: incidents recorded');
  const started = performance.now();
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const verification = (await (await fetch(`${url}/v1/audit/verify`, { headers: { authorization: `Bearer ${BENCH_API_KEY}` } })).json()) as { ok: boolean; checked: number };
  const verifyRate = perSecond(verification.checked, performance.now() - started);
  say(`  verify: ${JSON.stringify(verification)}`);
  await app.close();
  return { rate, verifyRate };
}

await withBenchRig(async (rig) => {
  const list = incidents(Date.now());
  await produceAll(rig, Topic.incidents, list.map((incident) => ({ key: incident.subject, value: JSON.stringify(incident) })), 'incidents');
  const audit = await timeAudit(rig);
  const baseline = await timeBaseline(rig.pool, list);
  say(`audit consumer: ${audit.rate.toFixed(0)} incidents/s; plain multi-row INSERTs through pg: ${baseline.toFixed(0)} rows/s; ratio ${((audit.rate / baseline) * 100).toFixed(1)}%`);
  say(`verify: ${audit.verifyRate.toFixed(0)} entries/s`);
});
