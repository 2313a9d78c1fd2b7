/**
 * The gateway side of `npm run bench:check`: gateway-api (in-process bus) whose view holds
 * BENCH_BANS active bans (`ip:10.a.b.c`, every other one visible). The view is filled before the
 * app starts, batch by batch through the same decoding and `apply` as the follower uses, but not
 * through the in-process topic: that would keep a second copy of every record in this process,
 * which a gateway reading Kafka does not have. Prints progress while filling, then sends its port
 * and the view's heap growth to the parent process.
 */
import 'reflect-metadata';
import { ipRange, parseIp } from '#warden/ban-policy';
import { loadConfig, createApp, listen } from '#warden/runtime';
import type { BanDecisionRecord } from '#warden/contracts';
import type { ConsumedRecord } from '#warden/kafka';
import { banDecision } from '../../../test/harness/ban-decisions.js';
import { decodeBanDecision } from '../src/decision-view/decision-view.follower.js';
import { DecisionView } from '../src/decision-view/decision-view.js';
import { gatewayApiApp } from '../src/gateway-api.app.js';
import { BENCH_KEY, benchBannedIp } from '../../../test/harness/check-requests.js';

const BANS = Number(process.env.BENCH_BANS ?? 1_000_000);
const CHUNK = 50_000;
const say = (line: string) => process.stdout.write(`[gateway] ${line}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

const config = loadConfig({ WARDEN_API_KEYS: `bench:${BENCH_KEY}:status:read`, PORT: '0', HOST: '127.0.0.1', WARDEN_LOG_LEVEL: 'warn' });
const app = await createApp(gatewayApiApp, config);
const view = app.get(DecisionView);
const before = heapAfterGc();
const started = Date.now();
for (let start = 0; start < BANS; start += CHUNK) {
  const records: Array<ConsumedRecord<BanDecisionRecord>> = [];
  for (let i = start; i < Math.min(BANS, start + CHUNK); i++) {
    const { key, value } = banDecision(`ip:${benchBannedIp(i)}`, { seconds: 3_600, visible: i % 2 === 0 });
    records.push({ topic: 'auth.ban-decisions', partition: i % 6, offset: String(i), key, value: decodeBanDecision(Buffer.from(value)) });
  }
  view.apply(records);
  say(`view holds ${view.size.toLocaleString('en')} / ${BANS.toLocaleString('en')} bans`);
}
// Manual range bans at other lengths than the policy's (BENCH_RANGE_LENGTHS, e.g. `8,12,16,20`): each
// length in force adds one lookup to every check. Their networks hold none of the asked addresses.
const rangeLengths = (process.env.BENCH_RANGE_LENGTHS ?? '').split(',').filter((length) => length !== '').map(Number);
view.apply(
  rangeLengths.map((length, i) => {
    const { key, value } = banDecision(`range:${ipRange(parseIp('198.18.0.0')!, length)}`, { seconds: 3_600, visible: true });
    return { topic: 'auth.ban-decisions', partition: 0, offset: String(BANS + i), key, value: decodeBanDecision(Buffer.from(value)) };
  }),
);
if (rangeLengths.length > 0) say(`range bans at /${rangeLengths.join(', /')} in force too`);
const fillMs = Date.now() - started;
const viewBytes = heapAfterGc() - before;
say(`view filled in ${(fillMs / 1_000).toFixed(1)} s`);
const url = (await listen(app, config)).replace('[::1]', '127.0.0.1');
process.send?.({ port: Number(new URL(url).port), viewBytes, bans: view.size, fillMs });

// `{ ban: subject }` from bench:client: a decision applied to the view now, as the follower applies
// each one it reads, answered with when (epoch ms, sub-ms precision): the time from here to a
// client's cache is the decision stream's part of the staleness, without the engine's.
let nextOffset = BANS + rangeLengths.length;
process.on('message', (message: { ban?: string }) => {
  if (typeof message.ban !== 'string') return;
  const { key, value } = banDecision(message.ban, { seconds: 3_600, visible: true });
  const record = { topic: 'auth.ban-decisions', partition: 0, offset: String(nextOffset++), key, value: decodeBanDecision(Buffer.from(value)) };
  const appliedAt = performance.timeOrigin + performance.now();
  view.apply([record]);
  process.send?.({ banned: message.ban, appliedAt });
});
