import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptApiKey, startEmbeddedWarden, type WardenProcess } from '../harness/embedded-warden.js';
import { startLoginGateway } from '../../examples/login-gateway/login-gateway.js';
import { waitFor } from '../harness/wait-for.js';
import { CuttableProxy, freshAccount, resumesAcrossRestart, scenarios, type LiveWarden } from './client-scenarios.js';

/** libs/client against `npm start`'s Warden: one process, embedded PostgreSQL, the in-process bus. */
describe('gateway library against the embedded Warden', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-client-'));
  let warden: WardenProcess;
  let live: LiveWarden;

  beforeAll(async () => {
    warden = await startEmbeddedWarden(dataDir);
    const proxy = await new CuttableProxy(warden.url).listen();
    live = { proxy, key: keptApiKey(dataDir), adminUrl: () => warden.url };
  }, 120_000);

  afterAll(async () => {
    await live?.proxy.close();
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  scenarios(() => live);

  it('runs the example login gateway: five wrong passwords, then even the right one is refused from the cache', async () => {
    const account = freshAccount('carol');
    const gateway = await startLoginGateway({ wardenUrl: live.proxy.url, apiKey: live.key, users: { [account]: 'right', dave: 'pw' } });
    const login = async (username: string, password: string) => {
      const response = await fetch(`${gateway.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      return response.status;
    };
    try {
      expect(await login(account, 'right')).toBe(200);
      for (let n = 0; n < 5; n++) expect(await login(account, `wrong-${n}`)).toBe(401);
      await gateway.client.flush();
      // The engine bans account-ip (invisible): the right password gets the same 401 as a wrong one.
      await waitFor('the ban to reach the gateway', async () => (gateway.client.state().bans > 0 && (await login(account, 'right')) === 401 ? true : undefined));
      expect(gateway.client.counters().checks.denied).toBeGreaterThan(0);
      expect(await login('dave', 'pw')).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('resumes from its Last-Event-ID after Warden restarts on the same data folder, with decisions made while it was away', async () => {
    const counters = await resumesAcrossRestart(live, async (whileAway) => {
      live.proxy.cut();
      warden.process.child.kill('SIGTERM');
      await warden.process.exited();
      warden = await startEmbeddedWarden(dataDir);
      live.proxy.upstream = warden.url;
      await whileAway();
      live.proxy.mend();
    });
    // The in-process bus keeps its topic and offsets in the data folder: same epoch, no full replay (DESIGN §2).
    expect(counters.resyncs).toBe(0);
    expect(counters.connects).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
