import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { waitFor } from '../harness/wait-for.js';

const SOC_KEY = 'heavy-limit-soc-0001';
const CI_KEY = 'heavy-limit-ci-0001';

/**
 * Warden's own heavy endpoints are limited per API key (WARDEN_HEAVY_REQUESTS_PER_KEY, one by
 * default): a second verify of the same key while the first runs is a 429 with Retry-After, while
 * another key goes on. The first verify is held inside Postgres (a test transaction locks the audit
 * log), so "while it runs" is a fact the test sees, not a race.
 */
describe('a heavy endpoint limited per API key: GET /v1/audit/verify', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-heavy-'));
  let databaseUrl: string;
  let warden: WardenProcess;
  let locker: pg.Client;
  /** Another session: the locker's, inside its transaction, would see one snapshot of pg_stat_activity. */
  let observer: pg.Client;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_heavy');
    warden = await startWardenProcess({
      DATABASE_URL: databaseUrl,
      WARDEN_DATA_DIR: dataDir,
      WARDEN_API_KEYS: `soc:${SOC_KEY}:audit:read;ci:${CI_KEY}:audit:read`,
    });
    locker = new pg.Client({ connectionString: databaseUrl });
    observer = new pg.Client({ connectionString: databaseUrl });
    await Promise.all([locker.connect(), observer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([locker?.end(), observer?.end()]);
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    await dropDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verify = (key: string, signal?: AbortSignal) => fetch(`${warden.url}/v1/audit/verify`, { headers: { authorization: `Bearer ${key}` }, signal });
  /** Warden's queries waiting for the test's lock on the audit log. */
  const blockedQueries = async () => {
    const { rows } = await observer.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%audit_log%'`,
    );
    return Number(rows[0]!.count);
  };

  it('one request per key at a time: the second is a 429 with Retry-After, another key is not held up, and the next one after is accepted', async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
    const first = verify(SOC_KEY);
    await waitFor('the first verify to wait on the audit log', async () => ((await blockedQueries()) === 1 ? true : undefined));

    // Refused at once; without a limit it would wait on the lock like the first (and fail here, aborted).
    const second = await verify(SOC_KEY, AbortSignal.timeout(15_000));
    expect(second.status).toBe(429);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(second.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(second.headers.get('ratelimit')).toBe(`"audit-verify";r=0;t=${retryAfter}`);
    expect(second.headers.get('ratelimit-policy')).toBe('"audit-verify";q=1;qu="concurrent-requests"');
    expect(await second.json()).toMatchObject({ status: 429, errorCode: 'too_many_concurrent_requests', type: '/problems/too-many-concurrent-requests' });

    // Another key is past the limit and in the database, beside the first.
    const other = verify(CI_KEY);
    await waitFor("the other key's verify to wait on the audit log too", async () => ((await blockedQueries()) === 2 ? true : undefined));

    await locker.query('COMMIT');
    const [firstAnswer, otherAnswer] = await Promise.all([first, other]);
    expect([firstAnswer.status, otherAnswer.status]).toEqual([200, 200]);
    // A 2xx where the limit applies states it too: the quota, and no slot left while it ran.
    expect(firstAnswer.headers.get('ratelimit-policy')).toBe('"audit-verify";q=1;qu="concurrent-requests"');
    expect(firstAnswer.headers.get('ratelimit')).toBe('"audit-verify";r=0');

    expect((await verify(SOC_KEY)).status).toBe(200);
  });
});
