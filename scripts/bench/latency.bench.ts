/**
 * `npm run bench:latency`: how soon a decision takes effect, on Kafka on loopback (DESIGN §8). The
 * gateway API and the ban engine run as in distributed mode (in this process, on the rig's broker
 * and database). Each sample is a fresh account and address: four failures, then a fifth posted
 * with `?wait=verdict`, which bans the pair; timed are
 *   - posted → its verdict (the answer of the fifth POST), and
 *   - posted → the ban visible at `GET /v1/check` (polled every millisecond).
 * Reports p50, p99 and the worst of each (goal p99 < 50 ms). BENCH_SAMPLES (default 200), after
 * BENCH_WARMUP samples that are not counted (default 20: the first ones pay for connections and
 * JIT compilation, and were most of the worst). BENCH_PAUSE_MS (default 0) waits between the four
 * and the fifth: with 0 the fifth queues behind the four's batch (its checkpoint), as in a burst;
 * with a few hundred it meets an idle engine.
 */
import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, listen } from '#warden/runtime';
import { BENCH_API_KEY, benchConfig, say, withBenchRig } from '../../test/harness/bench-rig.js';
import { gatewayApiApp } from '../../apps/gateway-api/src/gateway-api.app.js';
import { banEngineApp } from '../../apps/ban-engine/src/ban-engine.app.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 0);
const headers = { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' };

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function report(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  say(`${name}: p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${sorted.length} samples)`);
}

await withBenchRig(async (rig) => {
  const config = benchConfig(rig);
  const apps: NestFastifyApplication[] = [];
  try {
    const engine = await createApp(banEngineApp, config);
    await engine.init();
    apps.push(engine);
    const gateway = await createApp(gatewayApiApp, config);
    apps.push(gateway);
    const url = await listen(gateway, config);
    const toVerdict: number[] = [];
    const toCheck: number[] = [];
    for (let n = 0; n < WARMUP + SAMPLES; n++) {
      const ip = `10.77.${(n >> 8) & 255}.${n & 255}`;
      const account = `latency-${n}`;
      const attempt = { outcome: 'failure', ip, account };
      const before = await fetch(`${url}/v1/attempts`, { method: 'POST', headers, body: JSON.stringify([attempt, attempt, attempt, attempt]) });
      if (before.status !== 202) throw new Error(`POST /v1/attempts answered ${before.status}`);
      if (PAUSE_MS > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      const started = performance.now();
      const answer = await fetch(`${url}/v1/attempts?wait=verdict`, { method: 'POST', headers, body: JSON.stringify([attempt]) });
      const verdictMs = performance.now() - started;
      const { verdicts } = (await answer.json()) as { verdicts: Array<{ banned: boolean }> };
      if (!verdicts[0]?.banned) throw new Error(`sample ${n}: the fifth failure was not banned`);
      for (;;) {
        const check = await fetch(`${url}/v1/check?ip=${ip}&account=${account}`, { headers });
        await check.arrayBuffer();
        if (check.status !== 204) break;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      if (n >= WARMUP) {
        toVerdict.push(verdictMs);
        toCheck.push(performance.now() - started);
      }
      if ((n + 1) % 50 === 0) process.stdout.write(`\r  ${n + 1} / ${WARMUP + SAMPLES} samples (the first ${WARMUP} warm up)`);
    }
    process.stdout.write('\n');
    report('posted → its verdict (?wait=verdict)', toVerdict);
    report('posted → the ban at /v1/check', toCheck);
  } finally {
    for (const app of apps.reverse()) await app.close();
  }
});
