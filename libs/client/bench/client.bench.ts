/**
 * `npm run bench:client`: the gateway library's `check` from its cache, beside the same checks over
 * HTTP `GET /v1/check`, in the same run on the same machine.
 *
 * 1. gateway-api (apps/gateway-api/bench/gateway-server.js, its own process) holds BENCH_BANS
 *    (default 1,000,000) active bans; the client follows its decision stream until synced. Then
 *    `check` on this one thread, on the mixed hits and misses `bench:check` asks, and the same
 *    checks with autocannon over HTTP. Reports checks/s of both, their ratio, and the cache's heap
 *    per million bans.
 * 2. Staleness, on a real engine: an embedded Warden (its own process); for each of BENCH_STALE_BANS
 *    fresh accounts, five failures are reported in one request and the time until the client's
 *    cache holds the ban is taken. That spans the report, the engine's batch and the stream: an
 *    upper bound of the time from the engine's decision to the cache.
 * Targets: ≥ 1,000,000 checks/s on one core; staleness p99 < 50 ms on loopback.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { WardenClient, type CheckQuery } from '#warden/client';
import { BENCH_KEY, checkPaths } from '../../../test/harness/check-requests.js';
import { keptApiKey, startEmbeddedWarden } from '../../../test/harness/embedded-warden.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STALE_BANS = Number(process.env.BENCH_STALE_BANS ?? 300);
const say = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function startGateway(): Promise<{ child: ChildProcess; port: number; bans: number }> {
  const script = fileURLToPath(new URL('../../../apps/gateway-api/bench/gateway-server.js', import.meta.url));
  const child = fork(script, [], { execArgv: ['--expose-gc', '--max-old-space-size=4096'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ...(ready as { port: number; bans: number }) }));
    child.once('exit', (code) => reject(new Error(`gateway-server exited with ${code} before it was ready`)));
  });
}

/** checks/s of `check` over `queries`, for `seconds` on this thread. */
function measureCache(client: WardenClient, queries: readonly CheckQuery[], seconds: number): { perSecond: number; denied: number } {
  let calls = 0;
  let denied = 0;
  const started = performance.now();
  const end = started + seconds * 1_000;
  let now = started;
  while (now < end) {
    for (let i = 0; i < 100_000; i++) {
      const result = client.check(queries[i % queries.length]!);
      if (result instanceof Promise) throw new Error('the cache is not synced');
      if (!result.allowed) denied++;
    }
    calls += 100_000;
    now = performance.now();
  }
  return { perSecond: (calls / (now - started)) * 1_000, denied: denied / calls };
}

async function measureHttp(port: number, paths: readonly string[], seconds: number): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 50,
    duration: seconds,
    headers: { authorization: `Bearer ${BENCH_KEY}` },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  return result.requests.average;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

say('1. check from the cache beside GET /v1/check');
say('starting gateway-api and filling its view (progress below)');
const gateway = await startGateway();
let cacheMedian = 0;
let httpMedian = 0;
let mbPerMillion = 0;
try {
  const before = heapAfterGc();
  const client = new WardenClient({ url: `http://127.0.0.1:${gateway.port}`, apiKey: BENCH_KEY, onUnavailable: 'closed' }).start();
  const syncStarted = performance.now();
  const progress = setInterval(() => process.stdout.write(`\r  client cache: ${fmt(client.state().bans)} bans`), 1_000);
  await client.ready();
  clearInterval(progress);
  const syncMs = performance.now() - syncStarted;
  const bans = client.state().bans;
  mbPerMillion = ((heapAfterGc() - before) / 1_048_576) * (1_000_000 / bans);
  say(`\r  client synced ${fmt(bans)} bans from the stream in ${(syncMs / 1_000).toFixed(1)} s`);

  const paths = checkPaths(2_000, gateway.bans);
  const queries = paths.map((path) => ({ ip: new URLSearchParams(path.slice(path.indexOf('?'))).get('ip')! }));
  measureCache(client, queries, 1);
  await measureHttp(gateway.port, paths, 2);
  const cacheRuns: number[] = [];
  const httpRuns: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const cache = measureCache(client, queries, SECONDS);
    cacheRuns.push(cache.perSecond);
    say(`  round ${round}: client check (cache)  ${fmt(cache.perSecond).padStart(11)} checks/s   (${(cache.denied * 100).toFixed(0)}% denied)`);
    httpRuns.push(await measureHttp(gateway.port, paths, SECONDS));
    say(`  round ${round}: GET /v1/check (HTTP)  ${fmt(httpRuns.at(-1)!).padStart(11)} req/s`);
  }
  cacheMedian = median(cacheRuns);
  httpMedian = median(httpRuns);
  await client.close();
} finally {
  gateway.child.kill();
}

say('');
say(`2. staleness: an embedded Warden's engine bans ${STALE_BANS} accounts; time until the client's cache has each ban`);
const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-client-'));
const warden = await startEmbeddedWarden(dataDir);
const staleness: number[] = [];
try {
  const apiKey = keptApiKey(dataDir);
  const arrived = new Map<string, (at: number) => void>();
  const client = new WardenClient({
    url: warden.url,
    apiKey,
    onDecision: (decision, at) => arrived.get(decision.subject)?.(at),
  }).start();
  await client.ready();
  for (let i = 0; i < STALE_BANS; i++) {
    const account = `bench-${i}`;
    const ip = `198.18.${(i >> 8) & 255}.${i & 255}`;
    const cached = new Promise<number>((resolve) => arrived.set(`account-ip:${account}|${ip}`, resolve));
    const sent = Date.now();
    const response = await fetch(`${warden.url}/v1/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 5 }, () => ({ outcome: 'failure', ip, account }))),
    });
    await response.body?.cancel();
    staleness.push((await cached) - sent);
    if (i % 50 === 49) process.stdout.write(`\r  ${i + 1} / ${STALE_BANS} bans`);
  }
  process.stdout.write('\n');
  await client.close();
} finally {
  warden.process.child.kill('SIGTERM');
  await warden.process.exited();
  rmSync(dataDir, { recursive: true, force: true });
}
staleness.sort((a, b) => a - b);
const p50 = percentile(staleness, 50);
const p99 = percentile(staleness, 99);

say('');
say(`client check from the cache (median):  ${fmt(cacheMedian)} checks/s on one thread   (target ≥ 1,000,000)  ${cacheMedian >= 1_000_000 ? 'met' : 'NOT met'}`);
say(`GET /v1/check over HTTP (median):      ${fmt(httpMedian)} req/s (50 connections)`);
say(`ratio cache / HTTP:                    ${(cacheMedian / httpMedian).toFixed(0)}×`);
say(`cache memory per million bans:         ${mbPerMillion.toFixed(0)} MB`);
say(`staleness report → engine → cache:     p50 ${p50} ms   p99 ${p99} ms   (target p99 < 50 ms)  ${p99 < 50 ? 'met' : 'NOT met'}`);
