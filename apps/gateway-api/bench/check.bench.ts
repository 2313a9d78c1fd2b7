/**
 * `npm run bench:check`: `GET /v1/check` of gateway-api with BENCH_BANS (default 1,000,000) active
 * bans in its view, beside a bare Fastify server answering 204, in the same run on the same
 * machine, both measured with autocannon from this process (each server in its own process).
 * Mixed hits and misses. Reports requests/s of both and their ratio, p50/p99 latency at full load
 * and at half the gateway's maximum, and the view's memory per million bans.
 * Targets: ≥ 70% of the bare server's requests/s, p99 < 5 ms at half load, < 300 MB per million bans.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BENCH_KEY, checkPaths } from '../../../test/harness/check-requests.js';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
/** Rounds of bare then gateway, the median of each kept: the machine's other load falls on both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Measured {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: string;
}

interface ServerReady {
  port: number;
  viewBytes?: number;
  bans?: number;
  fillMs?: number;
}

function start(script: string): Promise<{ child: ChildProcess; ready: ServerReady }> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], { execArgv: ['--expose-gc', '--max-old-space-size=4096'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as ServerReady }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

async function measure(port: number, paths: readonly string[], seconds: number, connections = CONNECTIONS): Promise<Measured> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${BENCH_KEY}` },
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([status, { count }]) => `${status}:${count}`)
    .join(' ');
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, statuses };
}

/** The run with the median requests/s. */
function median(runs: readonly Measured[]): Measured {
  return [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)]!;
}

const line = (name: string, m: Measured) =>
  say(`${name.padEnd(34)} ${Math.round(m.requestsPerSecond).toLocaleString('en').padStart(9)} req/s   p50 ${m.p50} ms   p99 ${m.p99} ms   (${m.statuses})`);

say('starting gateway-api and filling its view (progress below), and a bare Fastify server');
const gateway = await start('./gateway-server.js');
const bare = await start('./bare-server.js');
try {
  const bans = gateway.ready.bans!;
  const paths = checkPaths(2_000, bans);
  say(`warming up (2 s each)`);
  await measure(bare.ready.port, paths, 2);
  await measure(gateway.ready.port, paths, 2);
  say(`measuring ${ROUNDS} rounds of ${DURATION_S} s each, ${CONNECTIONS} connections, half hits (429/401) and half misses (204)`);
  const bareRuns: Measured[] = [];
  const gatewayRuns: Measured[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    bareRuns.push(await measure(bare.ready.port, paths, DURATION_S));
    line(`round ${round}: bare Fastify 204`, bareRuns.at(-1)!);
    gatewayRuns.push(await measure(gateway.ready.port, paths, DURATION_S));
    line(`round ${round}: gateway-api /v1/check`, gatewayRuns.at(-1)!);
  }
  const bareMax = median(bareRuns);
  const gatewayMax = median(gatewayRuns);
  say('');
  line('bare Fastify 204 (median)', bareMax);
  line('gateway-api /v1/check (median)', gatewayMax);
  // Half load: the fewest connections that reach half the maximum. (autocannon's own rate limit
  // sends each second's requests in a burst at its start, which measures the burst, not the load.)
  const halfRate = gatewayMax.requestsPerSecond / 2;
  let halfConnections = 1;
  for (; halfConnections < CONNECTIONS; halfConnections *= 2) {
    if ((await measure(gateway.ready.port, paths, 2, halfConnections)).requestsPerSecond >= halfRate) break;
  }
  const gatewayHalf = await measure(gateway.ready.port, paths, 2 * DURATION_S, halfConnections);
  line(`gateway-api, half load (${halfConnections} conn.)`, gatewayHalf);

  const ratio = gatewayMax.requestsPerSecond / bareMax.requestsPerSecond;
  const mbPerMillion = (gateway.ready.viewBytes! / 1_048_576) * (1_000_000 / bans);
  say('');
  say(`bans in the view:            ${bans.toLocaleString('en')} (filled in ${(gateway.ready.fillMs! / 1_000).toFixed(1)} s)`);
  say(`ratio gateway / bare:        ${(ratio * 100).toFixed(1)}%   (target ≥ 70%)  ${ratio >= 0.7 ? 'met' : 'NOT met'}`);
  say(`p99 at half load:            ${gatewayHalf.p99} ms   (target < 5 ms)  ${gatewayHalf.p99 < 5 ? 'met' : 'NOT met'}`);
  say(`view memory per million bans: ${mbPerMillion.toFixed(0)} MB   (target < 300 MB)  ${mbPerMillion < 300 ? 'met' : 'NOT met'}`);
} finally {
  gateway.child.kill();
  bare.child.kill();
}
