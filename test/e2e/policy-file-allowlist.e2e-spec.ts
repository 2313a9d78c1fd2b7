import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedServer, startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { eventually } from '../harness/wait-for.js';

const KEY = 'e2e-allowlist-key';

/**
 * Issue 19: with WARDEN_POLICY set (a file that only puts `account-ip-failures` in simulate mode)
 * and WARDEN_ALLOWLIST, allowlisted traffic that a default rule would ban recorded no
 * `allowlist_hit`: the file replaced the whole rule set, so the other rules were off. A policy
 * file now changes the defaults, and the hits reach /v1/incidents.
 */
describe('WARDEN_POLICY with WARDEN_ALLOWLIST', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-allowlist-'));
  const policyFile = join(dataDir, 'policy.json');
  let warden: WardenProcess | undefined;

  beforeAll(async () => {
    writeFileSync(policyFile, JSON.stringify({ rules: { 'account-ip-failures': { mode: 'simulate' } } }));
    warden = await startWardenProcess({
      WARDEN_DATA_DIR: dataDir,
      WARDEN_API_KEYS: `e2e:${KEY}:*`,
      WARDEN_POLICY: policyFile,
      WARDEN_ALLOWLIST: '198.18.33.0/24,vip-user',
    });
  });

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    if (existsSync(join(dataDir, 'postgres', 'postmaster.pid'))) process.kill(embeddedServer(dataDir).pid, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${warden!.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('bans none of the allowlisted traffic and records an allowlist_hit where a default rule would have banned', async () => {
    const start = Date.now() - 60_000;
    const at = (i: number) => new Date(start + i * 1_000).toISOString();
    const stuffing = Array.from({ length: 25 }, (_, i) => ({ ip: '198.18.33.9', account: `user${i}`, outcome: 'failure', occurredAt: at(i) }));
    const botnet = Array.from({ length: 22 }, (_, i) => ({ ip: `203.0.113.${i + 1}`, account: 'vip-user', outcome: 'failure', occurredAt: at(25 + i) }));
    const posted = await call('/v1/attempts?wait=verdict', { method: 'POST', body: JSON.stringify([...stuffing, ...botnet]) });
    expect(posted.status).toBe(200);
    const verdicts = posted.body.verdicts as Array<{ banned: boolean }>;
    expect(verdicts.filter((verdict) => verdict.banned)).toEqual([]);

    await eventually(async () => {
      const { body } = await call('/v1/incidents?type=allowlist_hit&limit=100');
      const hits = (body.items as Array<{ subject: string; rule: string }>).map((item) => `${item.subject} ${item.rule}`).sort();
      expect(hits).toEqual(expect.arrayContaining(['account:vip-user account-failures', 'ip:198.18.33.9 ip-distinct-accounts', 'ip:198.18.33.9 ip-failures']));
    }, 30_000);
    for (const query of ['ip=198.18.33.9&account=user0', 'ip=203.0.113.1&account=vip-user']) {
      expect((await call(`/v1/status?${query}`)).body).toMatchObject({ banned: false, bans: [] });
    }
  });
});
