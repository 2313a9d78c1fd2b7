import { request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BanDecisionRecord } from '#warden/contracts';
import type { ConsumedRecord } from '#warden/kafka';
import { decodeBanDecision } from '../../apps/gateway-api/src/decision-view/decision-view.follower.js';
import { DecisionView } from '../../apps/gateway-api/src/decision-view/decision-view.js';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { banDecision } from '../harness/ban-decisions.js';
import { EDGE_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../harness/running-app.js';
import { waitFor } from '../harness/wait-for.js';

const BANS = 40_000;

/**
 * A large backlog to a reader slower than the server: the stream waits for the socket to drain
 * again and again (tens of times), and must neither leave a listener behind on each wait nor lose
 * a decision.
 */
describe('GET /v1/decisions/stream, a backlog larger than the socket takes at once', () => {
  let gateway: RunningApp;
  /** The server's side of the stream, to count the listeners left on it. */
  let streamResponse: ServerResponse | undefined;

  beforeAll(async () => {
    gateway = await startApp(gatewayApiApp, { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('stream-backlog') });
    const records: Array<ConsumedRecord<BanDecisionRecord>> = [];
    for (let i = 0; i < BANS; i++) {
      const { key, value } = banDecision(`ip:10.9.${i >> 8}.${i & 255}`, { seconds: 3_600 });
      records.push({ topic: 'auth.ban-decisions', partition: 0, offset: String(i), key, value: decodeBanDecision(Buffer.from(value)) });
    }
    // As the follower applies what it reads (the topic itself is left empty).
    gateway.app.get(DecisionView).apply(records);
    (gateway.app.getHttpServer() as Server).on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/v1/decisions/stream')) streamResponse = res;
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('sends every decision, then synced, waiting for each drain without piling up listeners', async () => {
    let decisions = 0;
    let synced = false;
    let paused = 0;
    let call: ReturnType<typeof request> | undefined;
    const reading = new Promise<void>((resolve, reject) => {
      call = request(`${gateway.url}/v1/decisions/stream`, { headers: { authorization: `Bearer ${EDGE_KEY}` } }, (response) => {
        expect(response.statusCode).toBe(200);
        response.setEncoding('utf8');
        let tail = '';
        response.on('data', (text: string) => {
          const lines = (tail + text).split('\n');
          tail = lines.pop()!;
          for (const line of lines) {
            if (line === 'event: decision') decisions++;
            else if (line === 'event: synced') {
              synced = true;
              resolve();
            }
          }
          // Read slowly: every chunk, stop reading for a moment, so the server's writes back up.
          response.pause();
          paused++;
          setTimeout(() => response.resume(), 2);
        });
      });
      call.once('error', (error) => (synced ? resolve() : reject(error)));
      call.end();
    });
    await waitFor('the backlog to be read', async () => {
      await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 200))]);
      return synced ? true : undefined;
    }, 60_000);
    expect(decisions).toBe(BANS);
    expect(paused).toBeGreaterThan(20);
    // Live now: only what a stream keeps for its life (its end, the heartbeat), however many drains it waited for.
    // (Before the fix: one `close` and one `error` listener more per drain waited for, 218 here.)
    expect(streamResponse!.listenerCount('drain')).toBe(0);
    expect(streamResponse!.listenerCount('close') + streamResponse!.listenerCount('error')).toBeLessThan(8);
    call?.destroy();
  });
});
