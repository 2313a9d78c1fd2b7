import { readFileSync } from 'node:fs';
import pg from 'pg';
import { migrate } from '#warden/persistence';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { SOC_KEY, TEST_API_KEYS, uniqueTopicPrefix } from '../harness/running-app.js';

const ROWS = 1_000_000;

/** Peak resident set size of a process so far, in MiB (Linux). */
function peakRssMiB(pid: number): number {
  const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

/** The built audit app exporting a million-row log: streamed, in constant memory. */
describe('export of a large audit log', () => {
  let databaseUrl: string;
  let audit: AppProcess;
  let url: string;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_export');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      await migrate(pool);
      // Rows as the consumer writes them; the hashes are not a chain (verify is not the point here).
      await pool.query(
        `INSERT INTO audit_log (seq, id, type, severity, subject, rule, level, until, attempt_ids, actor, reason, at, simulated, policy_version, recorded_at, hash)
         SELECT g, md5('id' || g)::uuid, 'ban_imposed', 'medium', 'ip:10.' || (g >> 16 & 255) || '.' || (g >> 8 & 255) || '.' || (g & 255),
                'ip-failures', 1, timestamptz '2026-11-01' + (g + 600) * interval '1 second', ARRAY[md5('a' || g)::uuid, md5('b' || g)::uuid],
                'policy', NULL, timestamptz '2026-11-01' + g * interval '1 second', false, 'v-export', now(), md5('h' || g) || md5('i' || g)
         FROM generate_series(1, $1::int) AS g`,
        [ROWS],
      );
    } finally {
      await pool.end();
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    audit = spawnApp('audit', {
      PATH: process.env.PATH,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      DATABASE_URL: databaseUrl,
      WARDEN_API_KEYS: TEST_API_KEYS,
      WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('export'),
      WARDEN_LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitUntilReady(audit, url);
  }, 180_000);

  afterAll(async () => {
    audit?.child.kill('SIGTERM');
    await audit?.exited();
    await dropDatabase(databaseUrl);
  });

  it(`streams ${ROWS.toLocaleString('en')} rows as NDJSON, oldest first, without holding them in memory`, async () => {
    const pid = audit.child.pid!;
    const before = peakRssMiB(pid);
    const response = await fetch(`${url}/v1/incidents/export?format=ndjson`, { headers: { authorization: `Bearer ${SOC_KEY}` } });
    expect(response.status).toBe(200);
    // Count lines as they come; keep only the first and the last.
    let lines = 0;
    let first = '';
    let last = '';
    let partial = '';
    const samples: number[] = [];
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      const parts = (partial + decoder.decode(chunk, { stream: true })).split('\n');
      partial = parts.pop()!;
      if (parts.length === 0) continue;
      if (lines === 0) first = parts[0]!;
      last = parts.at(-1)!;
      const tenth = Math.floor(lines / (ROWS / 10));
      lines += parts.length;
      if (Math.floor(lines / (ROWS / 10)) > tenth) samples.push(rssMiB(pid));
    }
    const peak = peakRssMiB(pid);
    process.stderr.write(`[audit export] ${lines.toLocaleString('en')} lines; audit app peak RSS ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB after; RSS at each tenth: ${samples.map((mib) => mib.toFixed(0)).join(', ')} MiB\n`);

    expect(lines).toBe(ROWS);
    expect(JSON.parse(first)).toMatchObject({ sequence: 1, subject: 'ip:10.0.0.1', policyVersion: 'v-export' });
    expect(JSON.parse(last)).toMatchObject({ sequence: ROWS });
    expect(partial).toBe('');
    // Flat: the second half of the export does not take more memory than the first (GC comes and
    // goes, a page at a time). Buffering it would take over 500 MiB: about 560 bytes of JSON a row.
    const half = Math.max(...samples.slice(0, 5));
    expect(Math.max(...samples.slice(5))).toBeLessThan(half + 64);
    expect(peak).toBeLessThan(400);
  });
});
