import { request } from 'node:http';
import { Topic, type IncidentRecord } from '#warden/contracts';
import { banEngineApp } from '../../apps/ban-engine/src/ban-engine.app.js';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { EDGE_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { TopicReader } from '../harness/topic-reader.js';
import { waitFor } from '../harness/wait-for.js';

/** A status call from a chosen loopback address (Linux routes all of 127.0.0.0/8 to this host). */
function statusFrom(localAddress: string, url: string, key: string): Promise<{ status: number; retryAfter?: string; errorCode?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/status?ip=192.0.2.1`, { localAddress, headers: { authorization: `Bearer ${key}` }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'] as string | undefined;
        resolve({ status: res.statusCode ?? 0, ...(retryAfter ? { retryAfter } : {}), errorCode: (JSON.parse(body) as { errorCode?: string }).errorCode });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Issue 13 item 12: API-key guessing is visible (a counter, a `client_throttled` incident) and its
 * ban holds across gateway instances: bad keys go through the pipeline as attempts of the internal
 * tenant, and the engine's ban reaches every instance's decision view.
 */
describe('bad API keys, on two gateway instances and the engine', () => {
  const prefix = uniqueTopicPrefix('badkeys');
  let first: RunningApp;
  let second: RunningApp;
  let engine: RunningApp;

  beforeAll(async () => {
    const env = { WARDEN_TOPIC_PREFIX: prefix };
    [first, second, engine] = await Promise.all([startApp(gatewayApiApp, env), startApp(gatewayApiApp, env), startApp(banEngineApp, env)]);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close(), engine?.close()]);
  });

  it('bans on every instance an address that guessed keys on one of them', async () => {
    const guesser = '127.0.0.91';
    // Five bad keys on the first instance: below its own throttle (10), enough for the engine.
    for (let i = 0; i < 5; i++) expect((await statusFrom(guesser, first.url, `guess-${i}`)).status).toBe(401);
    // The second instance never saw a bad key from it, yet refuses it, even with a valid key.
    const refused = await waitFor('the second instance to refuse the guesser', async () => {
      const answer = await statusFrom(guesser, second.url, EDGE_KEY);
      return answer.status === 429 ? answer : undefined;
    }, 60_000, 200);
    expect(refused).toMatchObject({ errorCode: 'too_many_bad_keys', retryAfter: expect.stringMatching(/^\d+$/) });
    // Another address is not affected.
    expect((await statusFrom('127.0.0.92', second.url, EDGE_KEY)).status).toBe(200);
  });

  it('counts bad keys in /metrics and records a client_throttled incident when the local throttle starts', async () => {
    // A gateway of its own, with no engine behind its topics: whether the engine's ban would be back
    // before the tenth guess is a race, and the local throttle must start without it.
    const alonePrefix = uniqueTopicPrefix('badkeys-alone');
    const alone = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: alonePrefix });
    const aloneIncidents = await new TopicReader<IncidentRecord>(alonePrefix + Topic.incidents).start();
    try {
      const guesser = '127.0.0.93';
      const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => statusFrom(guesser, alone.url, `guess-${i}`).then((answer) => answer.status)));
      expect(statuses.filter((status) => status === 401)).toHaveLength(9);
      expect(statuses.filter((status) => status === 429)).toHaveLength(1);
      const incident = await waitFor('a client_throttled incident', () => aloneIncidents.values.find((value) => value.type === 'client_throttled' && value.subject === `ip:${guesser}`), 30_000, 100);
      expect(incident).toMatchObject({ rule: 'bad-api-keys', actor: 'warden-api', level: 1, severity: 'medium' });
      const metrics = await (await fetch(`${alone.url}/metrics`)).text();
      const rejected = Number(/warden_api_key_refusals_total\{[^}]*reason="bad_key"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
      expect(rejected).toBeGreaterThanOrEqual(10);
    } finally {
      await aloneIncidents.stop();
      await alone.close();
    }
  });
});
