import { randomBytes } from 'node:crypto';
import { sqlPool, type SqlPool } from './sql-probe.js';
import { loadConfig, type WardenConfig } from '#warden/runtime';
import { TOPIC_SPECS } from '#warden/contracts';
import { KafkaMessageBus, type OutgoingRecord } from '#warden/kafka';
import { startBroker, type RunningBroker } from '../../scripts/kafka-broker.js';
import { createDatabase, dropDatabase } from './postgres.js';

/** What `npm run bench:*` share: where they run, and how they feed and watch an app. */

export const BENCH_PARTITIONS = 6;
export const BENCH_API_KEY = 'bench-key-0001';
export const say = (line: string) => process.stdout.write(`${line}\n`);
export const progress = (line: string) => process.stdout.write(`\r  ${line}`);
export const perSecond = (count: number, ms: number) => (count / ms) * 1_000;

export interface BenchRig {
  readonly brokers: string;
  readonly databaseUrl: string;
  /** Fresh topics and consumer groups for this run. */
  readonly prefix: string;
  /** One connection to the bench's database. */
  readonly pool: SqlPool;
}

/**
 * Runs a benchmark on Kafka (KAFKA_BROKERS, else a broker started from Maven Central) and a
 * database created on DATABASE_URL's server (or 127.0.0.1:5432), and removes both afterwards.
 */
export async function withBenchRig(run: (rig: BenchRig) => Promise<void>): Promise<void> {
  let broker: RunningBroker | undefined;
  let databaseUrl: string | undefined;
  let pool: SqlPool | undefined;
  try {
    const brokers = process.env.KAFKA_BROKERS ?? (broker = await startBroker(say)).brokers;
    databaseUrl = await createDatabase('warden_bench');
    pool = sqlPool(databaseUrl, 1);
    await run({ brokers, databaseUrl, prefix: `bench-${randomBytes(3).toString('hex')}.`, pool });
  } finally {
    await pool?.end();
    if (databaseUrl) await dropDatabase(databaseUrl);
    await broker?.stop();
  }
}

/** Creates Warden's topics and produces `records` to `topic` in chunks, with a progress line; returns records/s. */
export async function produceAll(rig: BenchRig, topic: string, records: readonly OutgoingRecord[], noun: string, prefix = rig.prefix): Promise<number> {
  const bus = new KafkaMessageBus({ brokers: rig.brokers.split(','), clientId: 'bench', topicPrefix: prefix, partitions: BENCH_PARTITIONS });
  try {
    await bus.ensureTopics(TOPIC_SPECS);
    const started = performance.now();
    for (let start = 0; start < records.length; start += 5_000) {
      await bus.publish(topic, records.slice(start, start + 5_000));
      progress(`produced ${Math.min(start + 5_000, records.length).toLocaleString('en')} / ${records.length.toLocaleString('en')} ${noun}`);
    }
    process.stdout.write('\n');
    return perSecond(records.length, performance.now() - started);
  } finally {
    await bus.close();
  }
}

/** The environment of an app under benchmark: the rig's Kafka and database (a prefix of its own if given), quiet logs, any free port. */
export function benchEnv(rig: BenchRig, prefix = rig.prefix): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: rig.brokers,
    DATABASE_URL: rig.databaseUrl,
    WARDEN_TOPIC_PREFIX: prefix,
    WARDEN_TOPIC_PARTITIONS: String(BENCH_PARTITIONS),
    WARDEN_API_KEYS: `bench:${BENCH_API_KEY}:*`,
    WARDEN_LOG_LEVEL: 'error',
    PORT: '0',
    HOST: '127.0.0.1',
  };
}

/** The config of an app under benchmark (see benchEnv). */
export function benchConfig(rig: BenchRig, prefix = rig.prefix): WardenConfig {
  return loadConfig(benchEnv(rig, prefix));
}

/**
 * Polls `SELECT count(*) FROM <table>` until it reaches `total`, with a progress line, and returns
 * the rate of the rows counted after the first poll that sees one (see timeCountUntil).
 */
export async function timeRowsUntil(rig: BenchRig, table: string, total: number, what: string): Promise<number> {
  return timeCountUntil(rig, `SELECT count(*)::int AS n FROM ${table}`, total, what);
}

/**
 * Like timeRowsUntil, for any count a query gives (`n`): e.g. the offsets the engine's stages
 * checkpointed. Timed from the first poll that sees a count and at which `startWhen` holds (by
 * default any), and only what is counted after it: what came before is not timed.
 */
export async function timeCountUntil(rig: BenchRig, sql: string, total: number, what: string, startWhen: () => Promise<boolean> = async () => true): Promise<number> {
  let start: { at: number; count: number } | undefined;
  let count = 0;
  while (count < total) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    count = Number((await rig.pool.query<{ n: number }>(sql)).rows[0]!.n);
    if (start === undefined && count > 0 && (await startWhen())) start = { at: performance.now(), count };
    progress(`${what}: ${count.toLocaleString('en')} / ${total.toLocaleString('en')}${start === undefined ? '' : ` (timed from ${start.count.toLocaleString('en')})`}`);
  }
  process.stdout.write('\n');
  if (start === undefined || start.count >= total) throw new Error(`${what}: all of it was counted before the timing could start; raise BENCH_ATTEMPTS`);
  return perSecond(total - start.count, performance.now() - start.at);
}
