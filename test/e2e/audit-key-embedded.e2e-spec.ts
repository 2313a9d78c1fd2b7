import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditVerification } from '#warden/contracts';
import { startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { waitFor } from '../harness/wait-for.js';

const ADMIN_KEY = 'audit-key-admin-01';

/**
 * `warden` in one process without WARDEN_AUDIT_KEY makes the audit key once, keeps it in the data
 * folder like the API key, and signs with it; a later start on the same folder signs with the same
 * key, so what the first start signed still verifies.
 */
describe('warden in one process: the audit key kept in the data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-audit-key-'));
  let databaseUrl: string;
  let warden: WardenProcess | undefined;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_audit_key');
  });

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    await dropDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => (warden = await startWardenProcess({ DATABASE_URL: databaseUrl, WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: `admin:${ADMIN_KEY}:*` }));
  const call = async (method: string, path: string, body?: unknown) =>
    fetch(`${warden!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const verifiedWith = (entries: number) =>
    waitFor(`${entries} audit entries`, async () => {
      const answer = (await (await call('GET', '/v1/audit/verify')).json()) as AuditVerification;
      return answer.checked >= entries ? answer : undefined;
    });

  it('signs every entry with a key made once, across restarts', async () => {
    await start();
    expect(statSync(join(dataDir, 'audit-key')).mode & 0o777).toBe(0o600);
    expect((await call('POST', '/v1/bans', { ip: '192.0.2.44', durationSeconds: 60, reason: 'first start' })).status).toBe(202);
    const first = await verifiedWith(1);
    expect(first).toMatchObject({ ok: true, keyed: true, head: { sequence: 1, signature: expect.stringMatching(/^[0-9a-f]{64}$/) } });

    warden!.process.child.kill('SIGTERM');
    await warden!.process.exited();
    await start();
    expect((await call('POST', '/v1/bans', { ip: '192.0.2.45', durationSeconds: 60, reason: 'second start' })).status).toBe(202);
    const second = await verifiedWith(2);
    expect(second).toMatchObject({ ok: true, keyed: true, checked: 2 });
    // The first start's head is still in the chain, unchanged.
    expect((await (await call('GET', `/v1/audit/verify?head=1:${first.head!.hash}`)).json()) as AuditVerification).toMatchObject({ ok: true });
  });
});
