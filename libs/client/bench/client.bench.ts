/**
 * `npm run bench:client`: the gateway library's `check` from its cache, beside the same checks over
 * HTTP `GET /v1/check`, in the same run on the same machine.
 *
 * 1. gateway-api (apps/gateway-api/bench/gateway-server.js, its own process) holds BENCH_BANS
 *    (default 1,000,000) active bans; the client follows its decision stream until synced, and its
 *    heap growth per million bans is taken. Then, in rounds, on this one thread: `check` on three
 *    workloads (check-workloads.ts), each beside the same checks formed as `check` formed them
 *    before it kept addresses' subjects (subjects per call, every lookup through `banStatus`), and
 *    the bench:check mix over HTTP with autocannon. Medians of the rounds and their ratios.
 * 2. Staleness of the stream alone: the gateway applies BENCH_STALE_BANS decisions to its view, one
 *    at a time (as its follower applies what the engine published); time until the client's cache
 *    has each, with 1,000,000 bans held.
 * 3. Staleness through a real engine: an embedded Warden (its own process); for each of
 *    BENCH_STALE_BANS fresh accounts, five failures in one `POST /v1/attempts`; the time until the
 *    stream's event reaches a bare reader (the engine, its bus and the server: attempt posted →
 *    decision published) and until the client's cache has the ban (the client's part).
 * Targets: ≥ 1,000,000 checks/s on one core; staleness p99 < 50 ms on loopback.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { WardenClient, type CheckQuery, type CheckResult } from '#warden/client';
import { BENCH_KEY, checkPaths } from '../../../test/harness/check-requests.js';
import { keptApiKey, startEmbeddedWarden } from '../../../test/harness/embedded-warden.js';
import { checkFormingSubjectsPerCall, workloads } from './check-workloads.js';
import { StreamObserver } from './stream-observer.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
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
/** Wall-clock epoch ms with sub-ms precision, comparable between processes of this machine. */
const clock = () => performance.timeOrigin + performance.now();
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p50p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1).padStart(5)} ms   p99 ${percentile(sorted, 99).toFixed(1).padStart(5)} ms`;
};

function startGateway(): Promise<{ child: ChildProcess; port: number; bans: number }> {
  const script = fileURLToPath(new URL('../../../apps/gateway-api/bench/gateway-server.js', import.meta.url));
  const child = fork(script, [], { execArgv: ['--expose-gc', '--max-old-space-size=4096'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ...(ready as { port: number; bans: number }) }));
    child.once('exit', (code) => reject(new Error(`gateway-server exited with ${code} before it was ready`)));
  });
}

type Check = (query: CheckQuery, at: number) => CheckResult | Promise<CheckResult>;

interface Rate {
  /** Checks per second of this process's CPU time (its GC threads' included): what one core does, however loaded the machine. */
  readonly perCpuSecond: number;
  /** Checks per second of wall-clock time. */
  readonly perSecond: number;
  readonly denied: number;
}

/**
 * The rates of each of `checks` over `queries`, for `seconds` in all on this thread, taking turns
 * every 20,000 checks: the machine's other load falls on each alike.
 */
function measureChecks(checks: readonly Check[], queries: readonly CheckQuery[], seconds: number): Rate[] {
  const SLICE = 20_000;
  const wall = checks.map(() => 0);
  const cpu = checks.map(() => 0);
  const denied = checks.map(() => 0);
  const next = checks.map(() => 0);
  let slices = 0;
  const end = performance.now() + seconds * 1_000;
  while (performance.now() < end) {
    for (const [c, check] of checks.entries()) {
      const at = Date.now();
      let n = next[c]!;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < SLICE; i++) {
        const result = check(queries[n]!, at);
        if (++n === queries.length) n = 0;
        if (result instanceof Promise) throw new Error('the cache is not synced');
        if (!result.allowed) denied[c]!++;
      }
      wall[c]! += performance.now() - started;
      const used = process.cpuUsage(cpuBefore);
      cpu[c]! += (used.user + used.system) / 1_000;
      next[c] = n;
    }
    slices++;
  }
  const calls = slices * SLICE;
  return checks.map((_, c) => ({ perCpuSecond: (calls / cpu[c]!) * 1_000, perSecond: (calls / wall[c]!) * 1_000, denied: denied[c]! / calls }));
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

/** Calls `onArrival(subject, at)` for each decision the client's cache applies, timed on `clock`. */
const arrivals = new Map<string, (at: number) => void>();
const arrivalOf = (subject: string) => new Promise<number>((resolve) => arrivals.set(subject, resolve));
const onDecision = (decision: { subject: string }) => arrivals.get(decision.subject)?.(clock());

say('1. check from the cache, beside the same checks forming subjects per call, and GET /v1/check over HTTP');
say('starting gateway-api and filling its view');
const gateway = await startGateway();
const rows = new Map<string, { check: Rate[]; perCall: Rate[] }>();
const httpRuns: number[] = [];
let mbPerMillion = 0;
const streamStaleness: number[] = [];
try {
  const before = heapAfterGc();
  const client = new WardenClient({ url: `http://127.0.0.1:${gateway.port}`, apiKey: BENCH_KEY, onUnavailable: 'closed', onDecision }).start();
  const syncStarted = performance.now();
  await client.ready();
  const syncMs = performance.now() - syncStarted;
  const bans = client.state().bans;
  mbPerMillion = ((heapAfterGc() - before) / 1_048_576) * (1_000_000 / bans);
  say(`  client synced ${fmt(bans)} bans from the stream in ${(syncMs / 1_000).toFixed(1)} s`);

  const reference = checkFormingSubjectsPerCall(gateway.bans);
  if (reference.size !== bans) throw new Error(`the reference holds ${reference.size} bans, the client ${bans}`);
  const check = (query: CheckQuery) => client.check(query);
  const paths = checkPaths(2_000, gateway.bans);
  const loads = workloads(gateway.bans);
  for (const load of loads) measureChecks([check, reference.check], load.queries, 1);
  await measureHttp(gateway.port, paths, 1);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const load of loads) {
      const row = rows.get(load.name) ?? { check: [], perCall: [] };
      rows.set(load.name, row);
      const [fast, slow] = measureChecks([check, reference.check], load.queries, 2 * SECONDS) as [Rate, Rate];
      row.check.push(fast);
      row.perCall.push(slow);
      say(
        `  round ${round}: ${load.name.padEnd(34)} check ${fmt(fast.perCpuSecond).padStart(10)}/CPU-s (${fmt(fast.perSecond)}/s)` +
          `   subjects per call ${fmt(slow.perCpuSecond).padStart(10)}/CPU-s (${fmt(slow.perSecond)}/s)`,
      );
    }
    httpRuns.push(await measureHttp(gateway.port, paths, SECONDS));
    say(`  round ${round}: GET /v1/check (HTTP, 50 connections) ${fmt(httpRuns.at(-1)!).padStart(10)} req/s`);
  }

  say('');
  say(`2. staleness of the stream alone: the gateway applies ${STALE_BANS} decisions to its view; time until the client's cache has each`);
  const applied = new Map<string, (at: number) => void>();
  gateway.child.on('message', (message: { banned?: string; appliedAt?: number }) => message.banned && applied.get(message.banned)?.(message.appliedAt!));
  for (let i = 0; i < STALE_BANS; i++) {
    const subject = `ip:198.19.${(i >> 8) & 255}.${i & 255}`;
    const cached = arrivalOf(subject);
    const appliedAt = new Promise<number>((resolve) => applied.set(subject, resolve));
    gateway.child.send({ ban: subject });
    streamStaleness.push((await cached) - (await appliedAt));
  }
  await client.close();
} finally {
  gateway.child.kill();
}

say('');
say(`3. staleness through the engine: an embedded Warden bans ${STALE_BANS} accounts; time until a bare stream reader, and the client's cache, have each ban`);
const dataDir = mkdtempSync(join(tmpdir(), 'warden-bench-client-'));
const warden = await startEmbeddedWarden(dataDir);
const toPublished: number[] = [];
const toCache: number[] = [];
const endToEnd: number[] = [];
try {
  const apiKey = keptApiKey(dataDir);
  const client = new WardenClient({ url: warden.url, apiKey, onDecision }).start();
  const observer = new StreamObserver();
  await Promise.all([client.ready(), observer.open(warden.url, apiKey)]);
  for (let i = 0; i < STALE_BANS; i++) {
    const account = `bench-${i}`;
    const ip = `198.18.${(i >> 8) & 255}.${i & 255}`;
    const subject = `account-ip:${account}|${ip}`;
    const cached = arrivalOf(subject);
    const published = observer.arrival(subject);
    const sent = clock();
    const response = await fetch(`${warden.url}/v1/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 5 }, () => ({ outcome: 'failure', ip, account }))),
    });
    await response.body?.cancel();
    const [publishedAt, cachedAt] = await Promise.all([published, cached]);
    toPublished.push(publishedAt - sent);
    toCache.push(cachedAt - publishedAt);
    endToEnd.push(cachedAt - sent);
  }
  observer.stop();
  await client.close();
} finally {
  warden.process.child.kill('SIGTERM');
  await warden.process.exited();
  rmSync(dataDir, { recursive: true, force: true });
}

say('');
for (const [name, row] of rows) {
  const fast = median(row.check.map((rate) => rate.perCpuSecond));
  const slow = median(row.perCall.map((rate) => rate.perCpuSecond));
  const wall = median(row.check.map((rate) => rate.perSecond));
  say(
    `check, ${name.padEnd(34)} ${fmt(fast).padStart(10)} checks per CPU-second (${fmt(wall)}/s wall-clock; ${(row.check[0]!.denied * 100).toFixed(0)}% denied)` +
      `   subjects per call ${fmt(slow)}: ${(fast / slow).toFixed(1)}×`,
  );
}
const [headline] = rows.values();
const headlineMedian = median(headline!.check.map((rate) => rate.perCpuSecond));
const headlineWall = median(headline!.check.map((rate) => rate.perSecond));
const httpMedian = median(httpRuns);
say(`target ≥ 1,000,000 checks/s on one core (bench:check's mix): ${headlineMedian >= 1_000_000 ? 'met' : 'NOT met'}`);
say(`GET /v1/check over HTTP (median):   ${fmt(httpMedian)} req/s (50 connections); cache / HTTP ${(headlineWall / httpMedian).toFixed(0)}× (wall-clock both)`);
say(`cache memory per million bans:      ${mbPerMillion.toFixed(0)} MB`);
const streamP99 = percentile([...streamStaleness].sort((a, b) => a - b), 99);
say(`staleness, decision applied in the gateway → client cache (1M bans held):  ${p50p99(streamStaleness)}   (target p99 < 50 ms)  ${streamP99 < 50 ? 'met' : 'NOT met'}`);
say(`staleness, attempt posted → decision on the stream (engine, bus, server):   ${p50p99(toPublished)}`);
say(`staleness, decision on the stream → client cache:                          ${p50p99(toCache)}`);
say(`staleness, attempt posted → client cache (the two above):                  ${p50p99(endToEnd)}`);
