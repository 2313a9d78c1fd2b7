import { Topic, TOPIC_SPECS } from '#warden/contracts';
import { KafkaMessageBus, type OutgoingRecord } from '#warden/kafka';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { DecisionView } from '../../apps/gateway-api/src/decision-view/decision-view.js';
import { banDecision } from '../harness/ban-decisions.js';
import { EDGE_KEY, SOC_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { SseClient } from '../harness/sse-client.js';
import { waitFor } from '../harness/wait-for.js';

const auth = { authorization: `Bearer ${EDGE_KEY}` };
const get = (app: RunningApp, path: string, headers: Record<string, string> = auth) => fetch(`${app.url}${path}`, { headers });

/** A producer of `auth.ban-decisions` on the real broker, as the engine is one. */
function decisionsBus(prefix: string): KafkaMessageBus {
  return new KafkaMessageBus({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'decisions-test', topicPrefix: prefix, partitions: 3 });
}

/** `ip:10.a.b.c` for each i: 100,000 distinct subjects. */
const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('gateway-api view of auth.ban-decisions (real Kafka)', () => {
  it('is not ready until its view holds all 100,000 decisions of the topic, then checks them right', async () => {
    const prefix = uniqueTopicPrefix('view-100k');
    const bus = decisionsBus(prefix);
    await bus.ensureTopics(TOPIC_SPECS);
    const total = 100_000;
    for (let start = 0; start < total; start += 10_000) {
      const records: OutgoingRecord[] = [];
      for (let i = start; i < start + 10_000; i++) records.push(banDecision(`ip:${ipOf(i)}`, { visible: i % 2 === 0 }));
      await bus.publish(Topic.banDecisions, records);
    }
    // The latest decision of a subject wins: #7 was lifted after it was banned.
    await bus.publish(Topic.banDecisions, [banDecision(`ip:${ipOf(7)}`, { state: 'lifted' })]);
    await bus.close();

    const gateway = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: prefix });
    try {
      const view = gateway.app.get(DecisionView);
      const first = await get(gateway, '/health/ready');
      expect(first.status).toBe(503);
      expect(((await first.json()) as { checks: Record<string, string> }).checks['decision-view']).toBe('down');
      const sizeWhenReady = await waitFor(
        'the gateway to be ready',
        async () => ((await get(gateway, '/health/ready')).status === 200 ? view.size : undefined),
        60_000,
        20,
      );
      expect(sizeWhenReady).toBe(total);

      const checkOf = async (ip: string) => {
        const response = await get(gateway, `/v1/check?ip=${ip}`);
        return [response.status, response.headers.get('retry-after') !== null];
      };
      expect(await checkOf(ipOf(0))).toEqual([429, true]);
      expect(await checkOf(ipOf(99_999))).toEqual([401, false]);
      expect(await checkOf(ipOf(54_320))).toEqual([429, true]);
      expect(await checkOf(ipOf(7))).toEqual([204, false]);
      expect(await checkOf('172.16.0.1')).toEqual([204, false]);
    } finally {
      await gateway.close();
    }
  });

  describe('check, status and the decision stream', () => {
    const prefix = uniqueTopicPrefix('gateway');
    let gateway: RunningApp;
    let bus: KafkaMessageBus;

    beforeAll(async () => {
      gateway = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: prefix, WARDEN_TOPIC_PARTITIONS: '3' });
      bus = decisionsBus(prefix);
      await waitFor('the gateway to be ready', async () => ((await get(gateway, '/health/ready')).status === 200 ? true : undefined), 60_000);
    });

    afterAll(async () => {
      await bus.close();
      await gateway.close();
    });

    it('answers check and status from new decisions: the longest ban wins, visible means 429, a ban ends at its until', async () => {
      await bus.publish(Topic.banDecisions, [
        banDecision('ip:203.0.113.50', { seconds: 3, visible: true }),
        banDecision('account:carol', { seconds: 900, rule: 'account-failures' }),
        banDecision('account-ip:carol|203.0.113.50', { seconds: 120, visible: true, rule: 'account-ip-failures' }),
      ]);
      const status = await waitFor('the decisions in the view', async () => {
        const response = await get(gateway, '/v1/status?ip=203.0.113.50&account=Carol');
        const body = (await response.json()) as { banned: boolean; retryAfter: number; until: string; bans: Array<{ subject: string }> };
        return body.bans.length === 3 ? { response, body } : undefined;
      });
      expect(status.response.status).toBe(200);
      expect(status.body.banned).toBe(true);
      expect(status.body.retryAfter).toBeGreaterThan(890);
      expect(status.response.headers.get('retry-after')).toBe(String(status.body.retryAfter));
      expect(status.body.bans.map((ban) => ban.subject).sort()).toEqual(['account-ip:carol|203.0.113.50', 'account:carol', 'ip:203.0.113.50']);

      const check = await get(gateway, '/v1/check?ip=203.0.113.50&account=carol');
      expect(check.status).toBe(429);
      expect(Number(check.headers.get('retry-after'))).toBeGreaterThan(890);
      // The reset the rate-limit field states is the Retry-After, never a shorter ban's.
      expect(check.headers.get('ratelimit')).toBe(`"ban";r=0;t=${check.headers.get('retry-after')}`);
      expect((await get(gateway, '/v1/check?ip=198.51.100.77&account=carol')).status).toBe(401);
      // The 3-second ban drops out at its until, with no message saying so.
      expect((await get(gateway, '/v1/check?ip=203.0.113.50')).status).toBe(429);
      await waitFor('the short ban to end', async () => ((await get(gateway, '/v1/check?ip=203.0.113.50')).status === 204 ? true : undefined), 10_000);
    });

    it('refuses bad queries, keys without the scope, and wrong methods with problems', async () => {
      const bad = await get(gateway, '/v1/status?ip=300.1.1.1&color=red');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((error) => error.field)).toEqual(['ip', 'color']);
      expect((await get(gateway, '/v1/check', {})).status).toBe(401);
      expect((await get(gateway, '/v1/check', { authorization: `Bearer ${SOC_KEY}` })).status).toBe(403);
      const wrongMethod = await fetch(`${gateway.url}/v1/status?ip=1.2.3.4`, { method: 'DELETE', headers: auth });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    });

    it('streams decisions; a client that disconnects and comes back with Last-Event-ID misses nothing', async () => {
      await bus.publish(Topic.banDecisions, ['ip:192.0.2.1', 'ip:192.0.2.2', 'account:dave'].map((subject) => banDecision(subject)));
      const url = `${gateway.url}/v1/decisions/stream`;
      const first = await new SseClient(url, auth).open();
      expect(first.status).toBe(200);
      await waitFor('the first three live or replayed decisions', () =>
        first.data<{ subject: string }>('decision').some((decision) => decision.subject === 'account:dave') ? true : undefined,
      );
      await first.close();
      const cursor = first.lastEventId;
      expect(cursor).toMatch(/^\d+:\d+(,\d+:\d+)*$/);

      // While the client is away: a new ban, a lift, and a subject banned twice (only its latest matters).
      await bus.publish(Topic.banDecisions, [
        banDecision('ip:192.0.2.3'),
        banDecision('ip:192.0.2.1', { state: 'lifted' }),
        banDecision('account:erin', { level: 1 }),
        banDecision('account:erin', { level: 2 }),
      ]);
      await waitFor('the view to apply them', () =>
        gateway.app.get(DecisionView).changedSince(new Map()).some((decision) => decision.subject === 'account:erin' && decision.level === 2)
          ? true
          : undefined,
      );
      const back = await new SseClient(url, auth).open(cursor);
      await waitFor('the replay to end', () => (back.data('synced').length > 0 ? true : undefined));
      const replayed = back.data<{ subject: string; state: string; level: number }>('decision');
      expect(replayed.map(({ subject, state, level }) => `${subject} ${state} ${level}`).sort()).toEqual([
        'account:erin active 2',
        'ip:192.0.2.1 lifted 1',
        'ip:192.0.2.3 active 1',
      ]);
      // Then it follows live decisions.
      await bus.publish(Topic.banDecisions, [banDecision('ip:192.0.2.4')]);
      await waitFor('a live decision', () => (back.data<{ subject: string }>('decision').some((d) => d.subject === 'ip:192.0.2.4') ? true : undefined));
      await back.close();

      const malformed = await get(gateway, '/v1/decisions/stream', { ...auth, 'last-event-id': 'yesterday' });
      expect(malformed.status).toBe(400);
    });
  });
});
