import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Topic } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { banDecision } from '../harness/ban-decisions.js';
import { startNginx, type RunningNginx } from '../harness/nginx.js';
import { EDGE_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { waitFor } from '../harness/wait-for.js';

/** The nginx configuration of docs/proxies.md, so what the docs show is what this test runs. */
function documentedNginxConfig(): string {
  const docs = readFileSync(join(process.cwd(), 'docs/proxies.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(docs)?.[1];
  if (!block) throw new Error('docs/proxies.md has no nginx block');
  return block;
}

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/** A GET from a chosen loopback address (Linux routes all of 127.0.0.0/8 to this host). */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A real nginx (Debian's package) in front of a small upstream, with `auth_request` to Warden's
 * `/v1/check`, configured exactly as docs/proxies.md shows. nginx connects to Warden from
 * 127.0.0.1, the only trusted proxy; clients come from other loopback addresses.
 */
describe('nginx auth_request in front of an upstream, asking gateway-api /v1/check', () => {
  const banned = '127.0.0.66';
  const invisiblyBanned = '127.0.0.67';
  const allowed = '127.0.0.77';
  const untrustedPeer = '127.0.0.9';
  let gateway: RunningApp;
  let upstream: Server;
  let nginx: RunningNginx;
  let proxyUrl: string;

  beforeAll(async () => {
    gateway = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('nginx'), WARDEN_TRUSTED_PROXIES: '127.0.0.1/32' });
    await gateway.app.get(MessageBus).publish(Topic.banDecisions, [
      banDecision(`ip:${banned}`, { seconds: 300, visible: true }),
      banDecision(`ip:${invisiblyBanned}`, { seconds: 300, visible: false }),
    ]);
    upstream = createServer((_req, res) => res.end('hello from upstream'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));

    const wardenPort = new URL(gateway.url).port;
    const http = documentedNginxConfig()
      .replace('server warden:3000;', `server 127.0.0.1:${wardenPort};`)
      .replace('server app:8080;', `server 127.0.0.1:${(upstream.address() as AddressInfo).port};`)
      .replace('listen 8000;', 'listen LISTEN;')
      .replace('<edge key>', EDGE_KEY);
    nginx = await startNginx(http);
    proxyUrl = nginx.url;
    await waitFor('nginx to listen', () => getFrom(allowed, `${proxyUrl}/`).then(() => true), 15_000);
    await waitFor('the bans in the view', async () => ((await getFrom(banned, `${proxyUrl}/`)).status === 429 ? true : undefined));
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    await gateway?.close();
  });

  it('lets an allowed client reach the upstream', async () => {
    expect(await getFrom(allowed, `${proxyUrl}/account`)).toMatchObject({ status: 200, body: 'hello from upstream' });
  });

  it("gives a banned client the status and Retry-After Warden chose, and never the upstream's page", async () => {
    const direct = await fetch(`${gateway.url}/v1/status?ip=${banned}`, { headers: { authorization: `Bearer ${EDGE_KEY}` } });
    const { retryAfter } = (await direct.json()) as { retryAfter: number };
    const answer = await getFrom(banned, `${proxyUrl}/login`);
    expect(answer.status).toBe(429);
    expect(Math.abs(Number(answer.retryAfter) - retryAfter)).toBeLessThanOrEqual(1);
    expect(answer.body).not.toContain('hello from upstream');
    const invisible = await getFrom(invisiblyBanned, `${proxyUrl}/login`);
    expect([invisible.status, invisible.retryAfter]).toEqual([401, undefined]);
  });

  it("takes the client from nginx's X-Forwarded-For, and a client cannot talk its way out by writing its own", async () => {
    // The banned client claims another address: nginx appends the real one, the rightmost untrusted.
    expect((await getFrom(banned, `${proxyUrl}/login`, { 'x-forwarded-for': allowed })).status).toBe(429);
    // An allowed client that names a banned address in its own header is judged by its real address.
    expect((await getFrom(allowed, `${proxyUrl}/login`, { 'x-forwarded-for': banned })).status).toBe(200);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const headers = { authorization: `Bearer ${EDGE_KEY}`, 'x-forwarded-for': banned };
    expect((await getFrom(untrustedPeer, `${gateway.url}/v1/check`, headers)).status).toBe(204);
    expect((await getFrom(banned, `${gateway.url}/v1/check`, { ...headers, 'x-forwarded-for': allowed })).status).toBe(429);
  });
});
