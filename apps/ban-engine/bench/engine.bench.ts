/**
 * `npm run bench:engine`: how fast the ban engine drains a backlog, beside a no-op kafkajs
 * `eachBatch` consumer of the same topic, in the same run on the same broker (DESIGN §8).
 *
 * 200,000 attempts (BENCH_ATTEMPTS) are produced to a fresh `auth.login-attempts` of 6 partitions,
 * keyed by network as gateway-api writes them, each with its account copy on
 * `auth.attempts-by-account`: 88% normal users (mostly successes), 4% brute force
 * (few IPs, one account each), 3% credential stuffing (one IP, many accounts), 3% a botnet on one
 * account from thousands of networks, 2% an IPv6 sweep (one address per /64, accounts guessed).
 * Then, each reading the whole backlog, timed from the first record counted to the last (what the
 * first poll already counts is left out of the rate):
 *   1. the no-op consumer;
 *   2. one engine (in this process, CPU-profiled: the top self-time items are printed), then the
 *      no-op consumer again: the ratio is to the mean of its two rates (the machine's speed drifts);
 *   3. two engine processes in one group, on a second backlog of the same mix three times as long,
 *      timed once both are in the stages' groups: the ratio of two to one.
 * Every attempt names an account, so it is decided once the account stage has checkpointed past it.
 * Last, the memory the stages' state takes: per million subjects and per million remembered ids.
 * Kafka: KAFKA_BROKERS, else a broker started from Maven Central; Postgres: a database created on
 * DATABASE_URL's server (or 127.0.0.1:5432) and dropped afterwards. BENCH_PROFILE=<file> also
 * writes the one engine's whole CPU profile there.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Kafka, logLevel } from 'kafkajs';
import { attemptTopicRecords, decideBatch, DEFAULT_POLICY, stagePolicy, SubjectStates, type PolicyAttempt } from '#warden/ban-policy';
import { Topic, type VerdictRecord } from '#warden/contracts';
import { KafkaMessageBus } from '#warden/kafka';
import { BansRepository, StageCheckpointsRepository } from '#warden/persistence';
import { createApp } from '#warden/runtime';
import { benchConfig, benchEnv, produceAll, say, timeCountUntil, withBenchRig, type BenchRig } from '../../../test/harness/bench-rig.js';
import { banEngineApp } from '../src/ban-engine.app.js';
import { ACCOUNT_STAGE_GROUP } from '../src/stages/account-stage.js';
import { NETWORK_STAGE_GROUP } from '../src/stages/network-stage.js';
import { RecentAttempts } from '../src/stages/recent-attempts.js';
import { mixedAttempts, MIX } from './attempt-mix.js';

const TOTAL = Number(process.env.BENCH_ATTEMPTS ?? 200_000);
/** The two engines' backlog is longer: the second process starts and joins while the first drains, and only what comes after is timed. */
const TWO_ENGINE_TOTAL = 3 * TOTAL;
/** Milliseconds spent in each step of the engine's batches, to say where the I/O time goes. */
const stepMs = new Map<string, number>();
/** …and how many times each ran (a checkpoint's count is the batches'). */
const stepCalls = new Map<string, number>();

function timeSteps(label: string, prototype: object, names: readonly string[]): void {
  const target = prototype as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of names) {
    const original = target[name]!;
    target[name] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        stepMs.set(`${label}.${name}`, (stepMs.get(`${label}.${name}`) ?? 0) + performance.now() - started);
        stepCalls.set(`${label}.${name}`, (stepCalls.get(`${label}.${name}`) ?? 0) + 1);
      }
    };
  }
}

async function timeNoopConsumer(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-noop-${randomBytes(3).toString('hex')}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  let seen = 0;
  let first = 0;
  let firstBatch = 0;
  let last = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        if (first === 0) {
          first = performance.now();
          firstBatch = batch.messages.length;
        }
        seen += batch.messages.length;
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
        if (seen >= TOTAL) {
          last = performance.now();
          resolve();
        }
      },
    });
  });
  await done;
  await consumer.disconnect();
  // As for the engine, what the first batch brought is not timed.
  return ((seen - firstBatch) / (last - first)) * 1000;
}

/** Attempts the account stage of the deployment under `prefix` has checkpointed past. */
const decidedSql = (prefix: string) => `SELECT coalesce(sum(next_offset), 0) AS n FROM engine_checkpoints WHERE stage = '${prefix}account'`;

/** The top self-time functions of a CPU profile (node:inspector's Profiler). */
function topSelfTime(profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[] }, count: number): string[] {
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples?.length ?? 1;
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? functionName || '(native)' : `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    byName.set(where, (byName.get(where) ?? 0) + (hits.get(node.id) ?? 0));
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, count).map(([where, n]) => `${((n / total) * 100).toFixed(1).padStart(5)}%  ${where}`);
}

async function timeOneEngine(rig: BenchRig): Promise<number> {
  timeSteps('checkpoints', StageCheckpointsRepository.prototype, ['load', 'save']);
  timeSteps('bans', BansRepository.prototype, ['save', 'saveEvents']);
  timeSteps('bus', KafkaMessageBus.prototype, ['publishMany']);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const app = await createApp(banEngineApp, benchConfig(rig));
  await app.listen(0, '127.0.0.1');
  const started = performance.now();
  const rate = await timeCountUntil(rig, decidedSql(rig.prefix), TOTAL, 'one engine: attempts decided');
  const wallMs = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  if (process.env.BENCH_PROFILE !== undefined) {
    await writeFile(process.env.BENCH_PROFILE, JSON.stringify(profile));
    say(`  its whole CPU profile: ${process.env.BENCH_PROFILE} (open it in Chrome DevTools' Performance panel)`);
  }
  const bans = (await rig.pool.query("SELECT count(*)::int AS n FROM bans WHERE status = 'active'")).rows[0].n;
  say(`  one engine: ${bans} active bans`);
  const steps = [...stepMs].sort((a, b) => b[1] - a[1]);
  say(`  where its I/O time went, in ${(wallMs / 1000).toFixed(1)} s (publishing and checkpoints of different partitions overlap):`);
  for (const [name, ms] of steps) say(`    ${name.padEnd(22)} ${(ms / 1000).toFixed(2)} s in ${stepCalls.get(name)} calls, ${(ms / stepCalls.get(name)!).toFixed(1)} ms each`);
  say('  its CPU profile, top self time:');
  for (const line of topSelfTime(profile as never, 12)) say(`    ${line}`);
  await app.close();
  return rate;
}

/**
 * Two `ban-engine` processes in one group, on the backlog under `prefix`, with this process's node
 * flags (`npm run bench:engine` gives the young-generation size `npm run start:ban-engine` runs
 * with). Timed from the moment both stages' groups are stable with both processes in them (the
 * processes join one after the other, and the rebalances in between would be counted as drain
 * time otherwise) to the last record: what the pair sustains.
 */
async function timeTwoEngines(rig: BenchRig, kafka: Kafka, prefix: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const engines: ChildProcess[] = [0, 1].map(() =>
    spawn(process.execPath, [...process.execArgv, 'dist/apps/ban-engine/src/main.js'], { env: benchEnv(rig, prefix), stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const groups = [NETWORK_STAGE_GROUP, ACCOUNT_STAGE_GROUP].map((group) => prefix + group);
  const bothIn = async () => (await admin.describeGroups(groups)).groups.every((group) => group.state === 'Stable' && group.members.length === 2);
  try {
    return await timeCountUntil(rig, decidedSql(prefix), TWO_ENGINE_TOTAL, 'two engines: attempts decided', bothIn);
  } finally {
    await admin.disconnect();
    for (const engine of engines) engine.kill('SIGTERM');
    await Promise.all(engines.map((engine) => new Promise((resolve) => (engine.exitCode !== null ? resolve(null) : engine.once('exit', resolve)))));
  }
}

/** Heap bytes per million of what `build` keeps, measured with --expose-gc. */
function heapPerMillion(count: number, build: () => unknown): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  gc();
  const after = process.memoryUsage().heapUsed;
  void kept;
  return ((after - before) / count) * 1_000_000;
}

function stateMemory(): { subjects: number; ids: number } {
  const count = 1_000_000;
  const policy = stagePolicy(DEFAULT_POLICY, 'network');
  const subjects = heapPerMillion(count, () => {
    // One failure from each of a million addresses: a million ip: subjects with a counter each (and their ranges).
    const at = Date.now();
    const list: PolicyAttempt[] = Array.from({ length: count }, (_, n) => ({
      id: randomUUID(),
      occurredAt: at,
      receivedAt: at,
      outcome: 'failure',
      ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    }));
    // As a stage partition holds them: the policy's compact form, changed in place.
    const states = new SubjectStates(policy);
    decideBatch(states, list);
    return states;
  });
  const ids = heapPerMillion(count, () => {
    const recent = new RecentAttempts(count);
    const decided = new Map<string, VerdictRecord | null>();
    for (let n = 0; n < count; n++) decided.set(randomUUID(), null);
    recent.add(0n, decided);
    return recent;
  });
  return { subjects, ids };
}

/** `total` attempts of the mix as gateway-api writes them: each on auth.login-attempts, and its account copy. */
function backlog(total: number) {
  const written = mixedAttempts(Date.now(), total).flatMap((attempt) => attemptTopicRecords(attempt, DEFAULT_POLICY).records);
  return { records: written.filter(({ topic }) => topic === Topic.loginAttempts), copies: written.filter(({ topic }) => topic === Topic.attemptsByAccount) };
}

await withBenchRig(async (rig) => {
  const { records, copies } = backlog(TOTAL);
  say(`  the mix: ${MIX}`);
  const produced = await produceAll(rig, Topic.loginAttempts, records, 'attempts');
  await produceAll(rig, Topic.attemptsByAccount, copies, 'account copies');
  say(`  produce: ${produced.toFixed(0)} attempts/s`);
  const kafka = new Kafka({ brokers: rig.brokers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  // The no-op consumer reads the backlog before and after the engine: the machine's speed drifts, and the ratio is to the mean of the two.
  const noopBefore = await timeNoopConsumer(kafka, rig.prefix + Topic.loginAttempts);
  say(`  no-op kafkajs eachBatch consumer: ${noopBefore.toFixed(0)} attempts/s`);
  const one = await timeOneEngine(rig);
  const noopAfter = await timeNoopConsumer(kafka, rig.prefix + Topic.loginAttempts);
  say(`  no-op kafkajs eachBatch consumer again: ${noopAfter.toFixed(0)} attempts/s`);
  const noop = (noopBefore + noopAfter) / 2;
  say(`ban engine: ${one.toFixed(0)} attempts/s; no-op consumer: ${noop.toFixed(0)} attempts/s (mean of before and after); ratio ${(one / noop).toFixed(3)}`);
  if (process.env.BENCH_TWO_ENGINES !== '0') {
    const second = `bench-${randomBytes(3).toString('hex')}.`;
    // The second run's bans start from nothing (its checkpoints are apart already, under its own prefix).
    await rig.pool.query('TRUNCATE bans, ban_events');
    const longer = backlog(TWO_ENGINE_TOTAL);
    await produceAll(rig, Topic.loginAttempts, longer.records, 'attempts (second backlog)', second);
    await produceAll(rig, Topic.attemptsByAccount, longer.copies, 'account copies (second backlog)', second);
    const two = await timeTwoEngines(rig, kafka, second);
    say(`two engine processes: ${two.toFixed(0)} attempts/s; two to one: ${(two / one).toFixed(2)}`);
  }
  const memory = stateMemory();
  say(`state memory: ${(memory.subjects / 2 ** 20).toFixed(0)} MiB per million subjects, ${(memory.ids / 2 ** 20).toFixed(0)} MiB per million remembered ids`);
});
