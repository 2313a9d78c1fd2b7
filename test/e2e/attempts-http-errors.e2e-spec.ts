import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { EDGE_KEY, SOC_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';

/** Every error DESIGN §5 gives for `POST /v1/attempts`, as RFC 9457 problems. */
describe('POST /v1/attempts errors', () => {
  let gateway: RunningApp;
  const maxBodyBytes = 64 * 1024;

  beforeAll(async () => {
    gateway = await startApp(gatewayApiApp, {
      WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('errors'),
      WARDEN_MAX_BODY_BYTES: String(maxBodyBytes),
    });
  });

  afterAll(() => gateway.close());

  const valid = { outcome: 'failure', ip: '203.0.113.7', account: 'alice' };

  function send(body: string | undefined, headers: Record<string, string> = {}, key: string | null = EDGE_KEY) {
    return fetch(`${gateway.url}/v1/attempts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      ...(body === undefined ? {} : { body }),
    });
  }

  async function expectProblem(response: Response, status: number, errorCode: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status, errorCode, type: expect.stringMatching(/^\/problems\/[a-z-]+$/), title: expect.any(String) });
    expect(typeof body.detail).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/ at .*\.(ts|js):\d+/); // never a stack
    return body;
  }

  it('answers 202 to a valid attempt (the baseline the errors depart from)', async () => {
    const response = await send(JSON.stringify(valid));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1 });
  });

  it.each([
    ['outcome', { ...valid, outcome: 'maybe' }],
    ['ip', { ...valid, ip: 'not-an-ip' }],
    ['ip', { outcome: 'failure' }],
    ['occurredAt', { ...valid, occurredAt: '23/11/2026' }],
    ['id', { ...valid, id: '123' }],
    ['secret', { ...valid, secret: 'hunter2' }],
  ])('400 naming the bad field %s', async (field, attempt) => {
    const body = await expectProblem(await send(JSON.stringify(attempt)), 400, 'validation_failed');
    expect(body.errors).toEqual([{ field, message: expect.any(String) }]);
    expect(body.detail).toContain(field);
  });

  it('400 naming the item and field in a batch', async () => {
    const body = await expectProblem(await send(JSON.stringify([valid, { ...valid, ip: '1.2.3' }])), 400, 'validation_failed');
    expect(body.errors).toEqual([{ field: '[1].ip', message: expect.any(String) }]);
  });

  it('400 for a body that does not parse', async () => {
    await expectProblem(await send('{"outcome": "failure",'), 400, 'invalid_json');
  });

  it('400 for an empty body', async () => {
    await expectProblem(await send(''), 400, 'invalid_json');
  });

  it('400 for JSON that is not an attempt', async () => {
    await expectProblem(await send('"hello"'), 400, 'invalid_body');
    await expectProblem(await send('[]'), 400, 'invalid_body');
  });

  it('401 without a key, with a wrong key, or with a malformed header', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-key-123' }, { authorization: `Basic ${EDGE_KEY}` }]) {
      const response = await send(JSON.stringify(valid), headers, null);
      await expectProblem(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('403 for a valid key without the attempts:write scope', async () => {
    const body = await expectProblem(await send(JSON.stringify(valid), {}, SOC_KEY), 403, 'forbidden');
    expect(body.detail).toContain('attempts:write');
    expect(body.detail).not.toContain(SOC_KEY);
  });

  it('413 for a body larger than WARDEN_MAX_BODY_BYTES', async () => {
    // 1,000 attempts (a count the API takes) whose bytes exceed the limit.
    const large = JSON.stringify(Array(1000).fill({ ...valid, userAgent: 'x'.repeat(100) }));
    await expectProblem(await send(large), 413, 'body_too_large');
  });

  it('413 for more than 1,000 attempts', async () => {
    const tooMany = Array(1001).fill({ outcome: 'failure', ip: '1.1.1.1' });
    const body = await expectProblem(await send(JSON.stringify(tooMany)), 413, 'batch_too_large');
    expect(body.detail).toContain('1001');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('415 for Content-Type %s', async (type) => {
    await expectProblem(await send(JSON.stringify(valid), { 'content-type': type }), 415, 'unsupported_media_type');
  });

  it('404 as a problem for a path that does not exist', async () => {
    const response = await fetch(`${gateway.url}/v1/nothing-here`);
    await expectProblem(response, 404, 'not_found');
  });
});
