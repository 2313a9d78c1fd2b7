import { randomInt } from 'node:crypto';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import fc from 'fast-check';
import { WardenClient, type CheckQuery, type CheckResult, type WardenClientOptions } from '#warden/client';
import { waitFor } from '../harness/wait-for.js';

/**
 * The gateway library's scenarios, run against a live Warden in each mode (client-embedded and
 * client-distributed e2e specs). The client reaches Warden through a real loopback HTTP proxy,
 * so a test can cut the decision stream (or everything) while the rest goes on, and can keep one
 * address while the Warden behind it restarts on another port.
 */
export class CuttableProxy {
  streamCut = false;
  allCut = false;
  url = '';
  private readonly streams = new Set<ServerResponse>();
  private readonly server: Server;

  constructor(public upstream: string) {
    this.server = createServer((req, res) => {
      const isStream = req.url!.startsWith('/v1/decisions/stream');
      if (this.allCut || (this.streamCut && isStream)) return void res.writeHead(503).end();
      if (isStream) {
        this.streams.add(res);
        res.once('close', () => this.streams.delete(res));
      }
      const forward = request(new URL(req.url!, this.upstream), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      forward.once('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      req.pipe(forward);
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  /** Ends the open streams and refuses new ones (503); `all`: every request. */
  cut(all = false): void {
    this.streamCut = true;
    this.allCut = all;
    for (const response of this.streams) response.destroy();
  }

  mend(): void {
    this.streamCut = false;
    this.allCut = false;
  }

  close(): Promise<void> {
    for (const response of this.streams) response.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A running Warden: the gateway's URL, a key with every scope, and where manual bans go. */
export interface LiveWarden {
  readonly proxy: CuttableProxy;
  readonly key: string;
  /** The URL serving `POST /v1/bans` (audit, or the whole Warden). */
  adminUrl(): string;
}

const run = randomInt(1, 250);
let counter = 0;
/** Addresses and accounts of this run only: the distributed tests share one database. */
export const freshIp = () => `10.${run}.${(++counter >> 8) & 255}.${counter & 255}`;
export const freshAccount = (name: string) => `${name}-${run}-${++counter}`;

export function startClient(warden: LiveWarden, options: Partial<WardenClientOptions> = {}): WardenClient {
  return new WardenClient({ url: warden.proxy.url, apiKey: warden.key, stream: { reconnectInitialMs: 100, reconnectMaxMs: 500 }, ...options }).start();
}

async function admin(warden: LiveWarden, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${warden.adminUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${warden.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

export const manualBan = (warden: LiveWarden, target: { ip?: string; account?: string; range?: string }, durationSeconds = 3_600) =>
  admin(warden, 'POST', '/v1/bans', { ...target, durationSeconds, reason: 'client e2e' });
export const unban = (warden: LiveWarden, subject: string) => admin(warden, 'DELETE', `/v1/bans/${encodeURIComponent(subject)}?reason=client+e2e`);

/** `/v1/check` itself, straight to Warden: its status and Retry-After. */
export async function serverCheck(warden: LiveWarden, query: CheckQuery): Promise<{ status: number; retryAfter: number }> {
  const params = new URLSearchParams({ ip: query.ip, ...(query.account ? { account: query.account } : {}), ...(query.credentialFingerprint ? { credentialFingerprint: query.credentialFingerprint } : {}) });
  const response = await fetch(`${warden.proxy.upstream}/v1/check?${params}`, { headers: { authorization: `Bearer ${warden.key}` } });
  await response.body?.cancel();
  return { status: response.status, retryAfter: Number(response.headers.get('retry-after') ?? 0) };
}

export const statusOf = (result: CheckResult) => (result.gatewayStatus ?? 204);

/** Waits until the client's cache answers `query` with `status` (204 for allowed). */
export function cacheAnswers(client: WardenClient, query: CheckQuery, status: 204 | 401 | 429): Promise<CheckResult> {
  return waitFor(`the cache to answer ${JSON.stringify(query)} with ${status}`, async () => {
    const result = await client.check(query);
    return result.source === 'cache' && statusOf(result) === status ? result : undefined;
  });
}

/** The engine bans an account at an address after 5 failures in a row: an invisible ban (401). */
export async function banByAttempts(client: WardenClient, ip: string, account: string): Promise<void> {
  await client.report(Array.from({ length: 5 }, () => ({ outcome: 'failure' as const, ip, account })));
  await client.flush();
}

export function scenarios(live: () => LiveWarden): void {
  it('a ban the engine makes reaches the cache, and check answers it; verdict gives the decision on an attempt', async () => {
    const warden = live();
    const client = startClient(warden, { onUnavailable: 'closed' });
    try {
      await client.ready();
      const ip = freshIp();
      const account = freshAccount('alice');
      expect(client.check({ ip, account })).toMatchObject({ allowed: true, source: 'cache' });
      await banByAttempts(client, ip, account);
      const result = await cacheAnswers(client, { ip, account }, 401);
      expect(result.bans.map((ban) => ban.subject)).toEqual([`account-ip:${account}|${ip}`]);
      expect(client.check({ ip, account: 'someone-else' })).toMatchObject({ allowed: true });
      const verdict = await client.verdict({ outcome: 'failure', ip, account });
      expect(verdict).toMatchObject({ banned: true, gatewayStatus: 401 });
      expect(client.counters().report).toMatchObject({ reported: 5, dropped: 0 });
      expect(client.state()).toMatchObject({ synced: true, stale: false });
      expect(client.state().lastEventAt).not.toBeNull();
    } finally {
      await client.close();
    }
  });

  it('agrees with /v1/check on a few thousand random subjects (fast-check)', async () => {
    const warden = live();
    const client = startClient(warden);
    try {
      await client.ready();
      const ips = Array.from({ length: 12 }, freshIp);
      const accounts = Array.from({ length: 6 }, () => freshAccount('Bob'));
      const v6 = `2001:db8:${run.toString(16)}:${(++counter).toString(16)}`;
      const range = `10.${run}.${200 + (counter % 50)}.0/24`;
      const before = client.counters().stream.decisions;
      for (const [n, ip] of ips.slice(0, 6).entries()) await manualBan(warden, { ip }, 600 + n * 60);
      for (const account of accounts.slice(0, 2)) await manualBan(warden, { account: account.toLowerCase() }, 900);
      await manualBan(warden, { range });
      await manualBan(warden, { range: `${v6}::/64` }, 1_200);
      await banByAttempts(client, ips[7]!, accounts[3]!);
      await banByAttempts(client, ips[0]!, accounts[4]!);
      await waitFor('the cache to hold the new bans', () => (client.counters().stream.decisions - before >= 12 ? true : undefined));

      const ip = fc.oneof(
        fc.constantFrom(...ips),
        fc.integer({ min: 0, max: 255 }).map((n) => range.replace('0/24', String(n))),
        fc.integer({ min: 1, max: 0xffff }).map((n) => `${v6}::${n.toString(16)}`),
        fc.constantFrom(...ips).map((each) => `::ffff:${each}`),
        fc.constantFrom(`${v6.toUpperCase()}:0:0:0:1`, '198.51.100.1', '2001:db8::1'),
      );
      const account = fc.option(fc.oneof(fc.constantFrom(...accounts), fc.constantFrom(...accounts).map((each) => ` ${each.toUpperCase()} `)), { nil: undefined });
      const credentialFingerprint = fc.option(fc.constantFrom('fp-1', 'fp-2'), { nil: undefined });
      let hits = 0;
      await fc.assert(
        fc.asyncProperty(fc.record({ ip, account, credentialFingerprint }), async (query) => {
          const local = await client.check(query);
          const remote = await serverCheck(warden, query);
          expect(local.source).toBe('cache');
          expect(statusOf(local)).toBe(remote.status);
          if (remote.status === 429) expect(Math.abs(local.retryAfter - remote.retryAfter)).toBeLessThanOrEqual(1);
          if (remote.status !== 204) hits++;
        }),
        { numRuns: 2_000 },
      );
      expect(hits).toBeGreaterThan(200);
    } finally {
      await client.close();
    }
  });

  it('each onUnavailable mode answers as documented once the stream is down longer than staleAfterMs', async () => {
    const warden = live();
    const banned = freshIp();
    const clean = freshIp();
    const clients = {
      open: startClient(warden, { onUnavailable: 'open', staleAfterMs: 300 }),
      closed: startClient(warden, { onUnavailable: 'closed', staleAfterMs: 300 }),
      remote: startClient(warden, { onUnavailable: 'remote', staleAfterMs: 300 }),
      patient: startClient(warden, { onUnavailable: 'closed', staleAfterMs: 60_000 }),
    };
    const all = Object.values(clients);
    try {
      await Promise.all(all.map((client) => client.ready()));
      await manualBan(warden, { ip: banned });
      await Promise.all(all.map((client) => cacheAnswers(client, { ip: banned }, 429)));

      warden.proxy.cut();
      await waitFor('the short-bound clients to be stale', () => ([clients.open, clients.closed, clients.remote].every((c) => c.state().stale) ? true : undefined));
      expect(clients.open.state()).toMatchObject({ synced: false, stale: true });
      expect(await clients.open.check({ ip: banned })).toMatchObject({ allowed: true, source: 'open' });
      expect(await clients.closed.check({ ip: clean })).toMatchObject({ allowed: false, gatewayStatus: 429, retryAfter: 5, source: 'closed' });
      expect(await clients.remote.check({ ip: banned })).toMatchObject({ allowed: false, gatewayStatus: 429, source: 'remote' });
      expect(await clients.remote.check({ ip: clean })).toMatchObject({ allowed: true, source: 'remote' });
      // Within its bound, the cache still answers.
      expect(clients.patient.state()).toMatchObject({ synced: false, stale: false });
      expect(await clients.patient.check({ ip: banned })).toMatchObject({ gatewayStatus: 429, source: 'cache' });

      // Warden unreachable altogether: `remote` falls back to the (stale) cache.
      warden.proxy.cut(true);
      expect(await clients.remote.check({ ip: banned })).toMatchObject({ gatewayStatus: 429, source: 'cache' });
      expect(clients.remote.counters().checks.remoteFailed).toBeGreaterThan(0);

      warden.proxy.mend();
      await Promise.all(all.map((client) => client.ready()));
      for (const client of all) expect(await client.check({ ip: banned })).toMatchObject({ gatewayStatus: 429, source: 'cache' });
      expect(clients.open.counters().checks).toMatchObject({ open: 1 });
      expect(clients.closed.counters().checks).toMatchObject({ closed: 1 });
      expect(clients.remote.counters().checks).toMatchObject({ remote: 2 });
    } finally {
      warden.proxy.mend();
      await Promise.all(all.map((client) => client.close()));
    }
  });
}

/**
 * The stream is cut by a restart; decisions are made while the client is away (`whileAway`: a new
 * ban and a lift). The client resumes and misses none of them. Returns the client's counters.
 */
export async function resumesAcrossRestart(warden: LiveWarden, restart: (whileAway: () => Promise<void>) => Promise<void>) {
  const client = startClient(warden, { onUnavailable: 'closed', staleAfterMs: 120_000 });
  try {
    await client.ready();
    const kept = freshIp();
    const lifted = freshIp();
    const added = freshIp();
    await manualBan(warden, { ip: kept });
    await manualBan(warden, { ip: lifted });
    await cacheAnswers(client, { ip: lifted }, 429);
    await cacheAnswers(client, { ip: kept }, 429);
    await restart(async () => {
      await manualBan(warden, { ip: added });
      await unban(warden, `ip:${lifted}`);
      await waitFor('Warden to apply them', async () =>
        (await serverCheck(warden, { ip: added })).status === 429 && (await serverCheck(warden, { ip: lifted })).status === 204 ? true : undefined,
      30_000);
    });
    await cacheAnswers(client, { ip: added }, 429);
    await cacheAnswers(client, { ip: lifted }, 204);
    expect(client.check({ ip: kept })).toMatchObject({ gatewayStatus: 429, source: 'cache' });
    expect(client.state()).toMatchObject({ synced: true, stale: false });
    return client.counters().stream;
  } finally {
    await client.close();
  }
}
