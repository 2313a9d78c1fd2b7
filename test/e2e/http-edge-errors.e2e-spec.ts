import { randomBytes } from 'node:crypto';
import type { AdminCommandAccepted, BanExplanation } from '#warden/contracts';
import { auditApp } from '../../apps/audit/src/audit.app.js';
import { banEngineApp } from '../../apps/ban-engine/src/ban-engine.app.js';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { rawHttp } from '../harness/raw-http.js';
import { EDGE_KEY, SOC_KEY, startApp, TEST_API_KEYS, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { eventually } from '../harness/wait-for.js';

const ADMIN_KEY = 'admin-key-0001';

async function expectProblem(response: Response, status: number, errorCode?: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ status, ...(errorCode ? { errorCode } : {}), type: expect.stringMatching(/^\/problems\/[a-z-]+$/) });
  return text;
}

/**
 * Issue 13 items 8 and 9, over real ports: what fails at the HTTP edge, before or around a route,
 * is a 4xx problem+json, never a 500 or Fastify's own JSON; long subjects can be explained and lifted.
 */
describe('the HTTP edge of gateway-api and audit', () => {
  let gateway: RunningApp;
  let audit: RunningApp;
  let engine: RunningApp;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    const env = { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('edge'), WARDEN_API_KEYS: `${TEST_API_KEYS};admin:${ADMIN_KEY}:audit:read,bans:write` };
    [gateway, audit, engine] = await Promise.all([startApp(gatewayApiApp, env), startApp(auditApp, env), startApp(banEngineApp, env)]);
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), audit?.close(), engine?.close()]);
  });

  const call = (app: RunningApp, method: string, path: string, key = ADMIN_KEY, body?: unknown) =>
    fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });

  describe('item 8: subjects longer than 100 characters', () => {
    it('bans, explains and lifts a 125-character account', async () => {
      const account = `long-${run}-${'x'.repeat(125 - 6 - run.length)}`;
      expect(account).toHaveLength(125);
      const subject = `account:${account}`;
      const path = `/v1/bans/${encodeURIComponent(subject)}`;
      const banned = await call(audit, 'POST', '/v1/bans', ADMIN_KEY, { account, durationSeconds: 600, reason: 'long name' });
      expect(banned.status).toBe(202);
      await eventually(async () => {
        const explained = await call(audit, 'GET', `${path}/explain`, SOC_KEY);
        expect(explained.status).toBe(200);
        expect(((await explained.json()) as BanExplanation).status).toBe('active');
      }, 60_000);
      const lifted = await call(audit, 'DELETE', `${path}?reason=done`);
      expect(lifted.status).toBe(202);
      expect(((await lifted.json()) as AdminCommandAccepted).subject).toBe(subject);
      await eventually(async () => {
        const explained = (await (await call(audit, 'GET', `${path}/explain`, SOC_KEY)).json()) as BanExplanation;
        expect(explained.status).toBe('lifted');
      }, 60_000);
    });

    it('routes the longest subject a ban can name (an account-credential of 320 astral characters and a 256-character fingerprint)', async () => {
      const subject = `account-credential:${'😀'.repeat(320)}|${'f'.repeat(256)}`;
      const response = await call(audit, 'GET', `/v1/bans/${encodeURIComponent(subject)}/explain`, SOC_KEY);
      expect(response.status).not.toBe(414);
      expect(response.status).toBeLessThan(500);
    });
  });

  describe('item 9: errors are 4xx problems', () => {
    it.each([
      ['gateway', '/v1/status?ip=192.0.2.1&account=a%00b'],
      ['gateway', '/v1/check?ip=192.0.2.1&account=%00'],
      ['audit', '/v1/incidents?subject=account%3Aa%00'],
      ['audit', '/v1/bans/account%3A%00/explain'],
    ])('a NUL in the URL (%s %s) is a 400 problem', async (app, path) => {
      await expectProblem(await call(app === 'gateway' ? gateway : audit, 'GET', path), 400, 'invalid_url');
    });

    it('a NUL in an unban subject is a 400, not an accepted command', async () => {
      await expectProblem(await call(audit, 'DELETE', '/v1/bans/account:%00?reason=x'), 400, 'invalid_url');
    });

    it('bad percent-encoding in the path is a 400 problem that does not echo the URL', async () => {
      const text = await expectProblem(await call(audit, 'GET', '/v1/bans/%E0%A4%A-echo-me/explain', SOC_KEY), 400, 'invalid_url');
      expect(text).not.toContain('echo-me');
    });

    it('an unknown method is a 501 problem', async () => {
      const answer = await rawHttp(gateway.url, [`FOO /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${EDGE_KEY}\r\n\r\n`]);
      expect(answer.status).toBe(501);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 501, errorCode: 'method_not_implemented' });
    });

    it('a 431 answers a GET with a problem and a HEAD with no body', async () => {
      const big = `X-Big: ${'a'.repeat(20_000)}\r\n`;
      const get = await rawHttp(gateway.url, [`GET /v1/status HTTP/1.1\r\nHost: x\r\n${big}\r\n`]);
      expect(get.status).toBe(431);
      expect(JSON.parse(get.body)).toMatchObject({ status: 431, errorCode: 'headers_too_large' });
      const head = await rawHttp(gateway.url, [`HEAD /v1/status HTTP/1.1\r\nHost: x\r\n${big}\r\n`]);
      expect(head.status).toBe(431);
      expect(head.body).toBe('');
    });

    it('HEAD /v1/decisions/stream answers the headers and ends', async () => {
      const response = await call(gateway, 'HEAD', '/v1/decisions/stream', EDGE_KEY);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await response.text()).toBe('');
    });

    it('a trailing slash is a 404 problem, not a 405 naming GET', async () => {
      await expectProblem(await call(gateway, 'GET', '/v1/status/?ip=192.0.2.1', EDGE_KEY), 404, 'not_found');
      await expectProblem(await call(audit, 'GET', '/v1/incidents/', SOC_KEY), 404, 'not_found');
    });

    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('strict status refuses the parameter %s', async (name) => {
      const text = await expectProblem(await call(gateway, 'GET', `/v1/status?ip=192.0.2.1&${name}=1`, EDGE_KEY), 400, 'validation_failed');
      expect(JSON.parse(text).errors).toEqual([{ field: name, message: expect.any(String) }]);
    });

    it('an over-long path parameter is a 414 problem', async () => {
      await expectProblem(await call(audit, 'GET', `/v1/bans/account%3A${'a'.repeat(5_000)}/explain`, SOC_KEY), 414, 'uri_too_long');
    });
  });
});
