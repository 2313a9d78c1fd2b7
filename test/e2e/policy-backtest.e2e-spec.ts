import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { backtestCommand } from '../../scripts/backtest/backtest-command.js';
import { embeddedServer, startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { waitFor } from '../harness/wait-for.js';

const KEY = 'e2e-backtest-key';
const READER = 'e2e-backtest-reader';

/**
 * `POST /v1/policy/backtest` and `npm run backtest` on attempts recorded by a real (embedded)
 * Warden: a brute force on two accounts among normal logins.
 */
describe('policy backtest on recorded attempts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-backtest-'));
  let warden: WardenProcess | undefined;
  const start = Date.now() - 10 * 60_000;

  beforeAll(async () => {
    warden = await startWardenProcess({ WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: `e2e:${KEY}:*;ro:${READER}:status:read` });
    const at = (seconds: number) => new Date(start + seconds * 1_000).toISOString();
    const normal = Array.from({ length: 30 }, (_, i) => ({ ip: `192.0.2.${i + 1}`, account: `user${i}`, outcome: 'success', occurredAt: at(i * 5) }));
    const brute = (account: string, ip: string, from: number) => Array.from({ length: 8 }, (_, i) => ({ ip, account, outcome: 'failure', credentialFingerprint: `${account}-${i}`, occurredAt: at(from + i * 4) }));
    const attempts = [...normal, ...brute('olivia', '203.0.113.66', 20), ...brute('noah', '203.0.113.67', 80)];
    const posted = await post('/v1/attempts?wait=verdict', JSON.stringify(attempts));
    expect(posted.status).toBe(200);
    // The archiver may lag the verdicts: wait until every attempt is recorded.
    await waitFor('the attempts recorded', async () => ((await recordedCount()) === attempts.length ? true : undefined), 30_000);
  });

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    if (existsSync(join(dataDir, 'postgres', 'postmaster.pid'))) process.kill(embeddedServer(dataDir).pid, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(path: string, body: string, contentType = 'application/json', key = KEY) {
    const response = await fetch(`${warden!.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  async function withDb<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString: embeddedServer(dataDir).url });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }

  const recordedCount = () => withDb(async (db) => (await db.query('SELECT count(*)::int AS n FROM login_attempts')).rows[0].n as number);

  it('the default policy against itself (the running one): an empty difference', async () => {
    const { status, body } = await post('/v1/policy/backtest', '{}');
    expect(status).toBe(200);
    expect(body.attempts).toBe(46);
    expect(body.diff.onlyCandidate).toEqual({ count: 0, byRule: [] });
    expect(body.diff.onlyBaseline).toEqual({ count: 0, byRule: [] });
    expect(body.diff.answeredDifferently.count).toBe(0);
    expect(body.timing.attempts).toBe(46);
  });

  it('account-ip-failures at 3, sent as YAML: the same two bans, three guesses sooner each', async () => {
    const { status, body } = await post('/v1/policy/backtest', 'rules:\n  account-ip-failures:\n    threshold: 3\n', 'application/yaml');
    expect(status).toBe(200);
    expect(body.baseline.bans.byRule).toEqual({ 'account-ip-failures': 2 });
    expect(body.candidate.bans.byRule).toEqual({ 'account-ip-failures': 2 });
    expect(body.diff.answeredDifferently).toMatchObject({ count: 6, byChange: { '429→401': 2, 'allow→401': 2, 'allow→429': 2 } });
    const ip = await post('/v1/policy/backtest', JSON.stringify({ rules: { 'ip-failures': { threshold: 8 } } }));
    expect(ip.body.diff.onlyCandidate).toEqual({
      count: 2,
      byRule: [{ rule: 'ip-failures', scope: 'ip', count: 2, subjects: ['ip:203.0.113.66', 'ip:203.0.113.67'] }],
    });
  });

  it('a candidate that does not validate: 400 naming each bad field; audit:read is required', async () => {
    const bad = await post('/v1/policy/backtest', JSON.stringify({ rules: { 'ip-total': { threshold: 0, window: 'soon' } }, colour: 'blue' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['colour', 'rules.ip-total.threshold', 'rules.ip-total.window']);
    expect((await post('/v1/policy/backtest', '{}', 'application/json', READER)).status).toBe(403);
    expect((await post('/v1/attempts', 'outcome: failure\n', 'application/yaml')).status).toBe(415);
  });

  it('the NDJSON path and the database path give the same report', async () => {
    const lines = await withDb(async (db) =>
      (await db.query('SELECT id::text, occurred_at, received_at, outcome, ip, account, credential_fingerprint FROM login_attempts ORDER BY occurred_at, received_at, id')).rows.map((row) =>
        JSON.stringify({ id: row.id, occurredAt: row.occurred_at.toISOString(), receivedAt: row.received_at.toISOString(), outcome: row.outcome, ip: row.ip, account: row.account, credentialFingerprint: row.credential_fingerprint }),
      ),
    );
    const file = join(dataDir, 'attempts.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const policy = join(dataDir, 'candidate.yaml');
    writeFileSync(policy, 'rules:\n  account-ip-failures:\n    threshold: 3\n');
    const quiet = () => {};
    const fromFile = await backtestCommand(['--policy', policy, '--attempts', file], {}, quiet);
    const fromDb = await backtestCommand(['--policy', policy], { DATABASE_URL: embeddedServer(dataDir).url }, quiet);
    expect(fromDb).toBe(fromFile);
    expect(JSON.parse(fromFile as string).attempts).toBe(46);
    // Deterministic: the same run again is byte for byte the same.
    expect(await backtestCommand(['--policy', policy, '--attempts', file], {}, quiet)).toBe(fromFile);
  });
});
