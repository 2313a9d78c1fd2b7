/**
 * `npm run bench:archive`: how fast the attempt archiver's writes record attempts in Postgres
 * (`LoginAttemptsRepository.archive`, batches of 5,000 as the archiver gets them from Kafka), and
 * what they cost Postgres. 200,000 attempts (BENCH_ATTEMPTS) of a gateway's shape (every field
 * set, a browser's user agent) into a fresh database on DATABASE_URL's server (or 127.0.0.1:5432),
 * dropped afterwards; then the same batches again, as a redelivery brings them (every id already
 * recorded). On one connection, so that the CPU time of its Postgres backend (read from
 * /proc/<pid>/stat, where this process can read it) is the archive's own.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LoginAttemptEvent } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { Database } from '../src/database.js';
import { LoginAttemptsRepository } from '../src/login-attempts/login-attempts.repository.js';
import { migrate } from '../src/migrator.js';

const TOTAL = Number(process.env.BENCH_ATTEMPTS ?? 200_000);
const BATCH = 5_000;
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function batches(): LoginAttemptEvent[][] {
  const start = Date.now() - 3_600_000;
  const all: LoginAttemptEvent[] = Array.from({ length: TOTAL }, (_, n) => {
    const at = new Date(start + Math.floor((n / TOTAL) * 3_600_000)).toISOString();
    return {
      schemaVersion: 1,
      id: randomUUID(),
      occurredAt: at,
      receivedAt: at,
      outcome: n % 10 === 0 ? 'failure' : 'success',
      ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      account: `user${n % 25_000}@example.com`,
      credentialFingerprint: `fp-${n % 7}`,
      endpoint: '/login',
      tenant: 'acme',
      userAgent: USER_AGENT,
    };
  });
  const cut: LoginAttemptEvent[][] = [];
  for (let i = 0; i < all.length; i += BATCH) cut.push(all.slice(i, i + BATCH));
  return cut;
}

/** CPU seconds (user + system) a process has used, or undefined where /proc cannot be read. */
async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function timed(label: string, repository: LoginAttemptsRepository, backend: number, work: LoginAttemptEvent[][]): Promise<void> {
  const cpuBefore = await cpuSeconds(backend);
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  let recorded = 0;
  for (const batch of work) recorded += await repository.archive(batch);
  const seconds = (performance.now() - started) / 1_000;
  const own = process.cpuUsage(ownBefore);
  const cpuAfter = await cpuSeconds(backend);
  const postgres = cpuBefore === undefined || cpuAfter === undefined ? 'Postgres backend CPU: not readable here' : `Postgres backend ${(((cpuAfter - cpuBefore) / TOTAL) * 1e6).toFixed(1)} µs CPU/attempt`;
  const node = `this process ${(((own.user + own.system) / TOTAL)).toFixed(1)} µs CPU/attempt`;
  console.log(`  ${label}: ${Math.round(TOTAL / seconds).toLocaleString('en-US')} attempts/s (${recorded.toLocaleString('en-US')} new); ${postgres}; ${node}`);
}

const url = await createDatabase('warden_bench_archive');
const database = new Database(url, 1);
try {
  await migrate(database.pool);
  const repository = new LoginAttemptsRepository(database);
  const { rows } = await database.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const work = batches();
  console.log(`archive bench: ${TOTAL.toLocaleString('en-US')} attempts in batches of ${BATCH.toLocaleString('en-US')}, one connection`);
  await timed('first delivery', repository, rows[0]!.pid, work);
  await timed('delivered again (every id recorded)', repository, rows[0]!.pid, work);
} finally {
  await database.close();
  await dropDatabase(url);
}
