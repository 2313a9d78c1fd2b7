import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isRunning } from '../../apps/warden/src/embedded-postgres/process-alive.js';
import { spawnApp } from '../harness/app-process.js';
import { embeddedServer, keptApiKey, remoteTcpPortsOf, startEmbeddedWarden, type WardenProcess } from '../harness/embedded-warden.js';
import { eventually } from '../harness/wait-for.js';

const IP = '198.51.100.23';
const ACCOUNT = 'mallory';
const SUBJECT = `account-ip:${ACCOUNT}|${IP}`;


async function bansOf(dataDir: string): Promise<Array<{ subject: string; rule: string; level: number; until: Date; status: string }>> {
  const db = new pg.Client({ connectionString: embeddedServer(dataDir).url });
  await db.connect();
  try {
    return (await db.query('SELECT subject, rule, level, until, status FROM bans ORDER BY subject')).rows;
  } finally {
    await db.end();
  }
}

/**
 * `npm start` with no settings: an embedded PostgreSQL in the data folder, the in-process bus, a
 * generated key. A ban made before a SIGKILL is still there, in Postgres and in the API, after the
 * next start on the same folder, which also stops the server the killed Warden left running.
 */
describe('warden embedded: killed and started again on the same data folder', () => {
  // A fresh folder as mkdtemp makes it (0700, root's in CI): Warden must make it usable by PostgreSQL's user.
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-embedded-'));
  let warden: WardenProcess | undefined;

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    // After a failure between the SIGKILL and the next start, the left server would outlive the run.
    if (existsSync(join(dataDir, 'postgres', 'postmaster.pid'))) process.kill(embeddedServer(dataDir).pid, 'SIGINT');
    else rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (path: string, key: string) => {
    const response = await fetch(`${warden!.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('keeps its bans, incidents and key, and stops the server the killed Warden left', async () => {
    warden = await startEmbeddedWarden(dataDir);
    const key = keptApiKey(dataDir);
    expect(warden.process.output()).toContain(key);
    const firstServer = embeddedServer(dataDir);
    expect(new URL(firstServer.url).port).not.toBe('5432');

    const attempts = Array.from({ length: 5 }, (_, n) => ({ ip: IP, account: ACCOUNT, outcome: 'failure', credentialFingerprint: `fp-${n}` }));
    const posted = await fetch(`${warden.url}/v1/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(attempts),
    });
    expect(posted.status).toBe(202);
    await eventually(async () => expect((await bansOf(dataDir)).map((ban) => [ban.subject, ban.rule, ban.status])).toEqual([[SUBJECT, 'account-ip-failures', 'active']]));
    const [banBefore] = await bansOf(dataDir);
    await eventually(async () => expect((await get(`/v1/incidents?subject=${encodeURIComponent(SUBJECT)}`, key)).body.items).toHaveLength(1));

    // Every database connection Warden holds goes to the embedded server, none to the machine's own on 5432.
    const ports = remoteTcpPortsOf(warden.process.child.pid!);
    expect(ports).toContain(Number(new URL(firstServer.url).port));
    expect(ports).not.toContain(5432);

    warden.process.child.kill('SIGKILL');
    expect(await warden.process.exited()).toBe('SIGKILL');
    expect(isRunning(firstServer.pid)).toBe(true); // left running, as a real SIGKILL leaves it

    warden = await startEmbeddedWarden(dataDir);
    expect(isRunning(firstServer.pid)).toBe(false);
    expect(warden.process.output()).toContain('an earlier Warden left its PostgreSQL server running');
    expect(keptApiKey(dataDir)).toBe(key);

    expect(await bansOf(dataDir)).toEqual([banBefore]);
    const status = await get(`/v1/status?ip=${IP}&account=${ACCOUNT}`, key);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ banned: true, until: banBefore!.until.toISOString() });
    expect(status.body.bans).toEqual([expect.objectContaining({ subject: SUBJECT, rule: 'account-ip-failures', level: 1 })]);
    const incidents = await get(`/v1/incidents?subject=${encodeURIComponent(SUBJECT)}`, key);
    expect(incidents.body.items).toEqual([expect.objectContaining({ type: 'ban_imposed', subject: SUBJECT })]);

    // A second Warden on a folder in use is refused; it leaves the running one's server alone.
    const intruder = spawnApp('warden', { PATH: process.env.PATH, WARDEN_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    expect(await intruder.exited()).toBe(1);
    expect(intruder.output()).toMatch(/another Warden \(pid \d+\) is running on this data folder/);
    expect((await fetch(`${warden.url}/health/ready`)).status).toBe(200);

    // SIGTERM: the app closes, then the embedded server stops, then the process exits 0.
    const secondServer = embeddedServer(dataDir);
    warden.process.child.kill('SIGTERM');
    expect(await warden.process.exited()).toBe(0);
    warden = undefined;
    expect(isRunning(secondServer.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
