import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { eventually } from '../harness/wait-for.js';

const ADMIN_KEY = 'range-admin-key-01';

/**
 * Manual range bans of any prefix length (DESIGN §5, §7; issue 13 item 7): the policy's rules ban
 * /24 and /64 only, but the security team may ban `10.0.0.0/8`, and a check must enforce it. Run
 * against a real `warden` (one process on a real Postgres), through `/v1/check` and `/v1/status`,
 * until the unban.
 */
describe('manual range bans of any length, at /v1/check and /v1/status', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-ranges-'));
  let databaseUrl: string;
  let warden: WardenProcess;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_ranges');
    warden = await startWardenProcess({ DATABASE_URL: databaseUrl, WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: `admin:${ADMIN_KEY}:*` });
  });

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    await dropDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${warden.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> | null };
  };
  const check = (ip: string) => call('GET', `/v1/check?ip=${encodeURIComponent(ip)}`);
  const status = async (ip: string) => (await call('GET', `/v1/status?ip=${encodeURIComponent(ip)}`)).body as { banned: boolean; bans: Array<{ subject: string; visible: boolean }> };

  it('refuses a prefix written with a leading zero', async () => {
    const refused = await call('POST', '/v1/bans', { range: '10.0.0.0/08', durationSeconds: 600, reason: 'typo' });
    expect(refused).toMatchObject({ status: 400, body: { errors: [{ field: 'range' }] } });
    expect((await call('DELETE', `/v1/bans/${encodeURIComponent('range:10.0.0.0/08')}?reason=x`)).status).toBe(400);
  });

  it('enforces a /8, a /16 and an IPv6 /48 until each is lifted', async () => {
    for (const range of ['10.0.0.0/8', '172.20.0.0/16', '2001:db8:77::/48']) {
      expect((await call('POST', '/v1/bans', { range, durationSeconds: 600, reason: 'incident 7' })).status).toBe(202);
    }
    await eventually(async () => {
      const denied = await check('10.1.2.3');
      expect(denied.status).toBe(429);
      expect(Number(denied.headers.get('retry-after'))).toBeGreaterThan(590);
      expect((await check('172.20.9.9')).status).toBe(429);
      expect((await check('2001:db8:77:1234::1')).status).toBe(429);
    });
    // Addresses just outside each network are not banned.
    for (const ip of ['11.1.2.3', '172.21.0.1', '2001:db8:78::1']) expect((await check(ip)).status).toBe(204);
    expect(await status('10.200.0.1')).toMatchObject({ banned: true, bans: [{ subject: 'range:10.0.0.0/8', visible: true }] });
    expect(await status('2001:db8:77:ffff:1::2')).toMatchObject({ banned: true, bans: [{ subject: 'range:2001:db8:77::/48' }] });

    expect((await call('DELETE', `/v1/bans/${encodeURIComponent('range:10.0.0.0/8')}?reason=resolved`)).status).toBe(202);
    await eventually(async () => expect((await check('10.1.2.3')).status).toBe(204));
    expect((await check('172.20.9.9')).status).toBe(429);
    for (const range of ['172.20.0.0/16', '2001:db8:77::/48']) {
      expect((await call('DELETE', `/v1/bans/${encodeURIComponent(`range:${range}`)}?reason=resolved`)).status).toBe(202);
    }
    await eventually(async () => {
      expect((await check('172.20.9.9')).status).toBe(204);
      expect(await status('2001:db8:77:1234::1')).toMatchObject({ banned: false, bans: [] });
    });
  });
});
