import { randomUUID } from 'node:crypto';
import { banEngineApp } from '../../apps/ban-engine/src/ban-engine.app.js';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { EDGE_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { waitFor } from '../harness/wait-for.js';

interface VerdictBody {
  verdicts: Array<{ attemptId: string; banned: boolean; retryAfter: number; trigger: boolean; gatewayStatus: number | null; bans: Array<{ subject: string }> }>;
}

const headers = { authorization: `Bearer ${EDGE_KEY}`, 'content-type': 'application/json' };
const isReady = async (app: RunningApp) => ((await fetch(`${app.url}/health/ready`)).status === 200 ? true : undefined);

/** `?wait=verdict` through the real pipe: gateway-api → Kafka → ban-engine → auth.verdicts → gateway-api. */
describe('POST /v1/attempts?wait=verdict (real Kafka, Postgres and engine)', () => {
  const env = { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('verdicts'), WARDEN_TOPIC_PARTITIONS: '3' };
  let gateway: RunningApp;
  let engine: RunningApp;

  beforeAll(async () => {
    gateway = await startApp(gatewayApiApp, env);
    engine = await startApp(banEngineApp, env);
    await waitFor('both apps ready', async () => ((await isReady(gateway)) && (await isReady(engine)) ? true : undefined), 60_000);
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), engine?.close()]);
  });

  const post = (body: unknown, app = gateway) =>
    fetch(`${app.url}/v1/attempts?wait=verdict`, { method: 'POST', headers, body: JSON.stringify(body) });

  it('answers each attempt with its verdict in the order sent; the fifth failure triggers a ban that check then sees', async () => {
    const attempts = Array.from({ length: 5 }, () => ({ id: randomUUID(), outcome: 'failure', ip: '203.0.113.20', account: 'alice' }));
    const response = await post(attempts);
    expect(response.status).toBe(200);
    const { verdicts } = (await response.json()) as VerdictBody;
    expect(verdicts.map((verdict) => verdict.attemptId)).toEqual(attempts.map((attempt) => attempt.id));
    expect(verdicts.slice(0, 4).map((verdict) => verdict.banned)).toEqual([false, false, false, false]);
    expect(verdicts[4]).toMatchObject({ banned: true, trigger: true, gatewayStatus: 429, retryAfter: 120 });
    expect(verdicts[4]!.bans.map((ban) => ban.subject)).toEqual(['account-ip:alice|203.0.113.20']);

    // The same attempt sent again is answered with the verdict it got the first time.
    const again = (await (await post(attempts[4])).json()) as VerdictBody;
    expect(again.verdicts[0]).toMatchObject({ attemptId: attempts[4]!.id, trigger: true, gatewayStatus: 429 });

    // The decision reaches the gateway's view: the ban is invisible, so check answers 401.
    await waitFor('the ban in the view', async () => {
      const check = await fetch(`${gateway.url}/v1/check?ip=203.0.113.20&account=alice`, { headers });
      return check.status === 401 ? true : undefined;
    });
  });

  it('answers 504 with a problem when the verdicts do not come in time', async () => {
    // A gateway on topics no engine reads.
    const lonely = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('no-engine'), WARDEN_VERDICT_TIMEOUT_MS: '300' });
    try {
      const response = await post({ outcome: 'failure', ip: '198.51.100.3' }, lonely);
      expect(response.status).toBe(504);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 504, errorCode: 'verdict_timeout' });
    } finally {
      await lonely.close();
    }
  });
});
