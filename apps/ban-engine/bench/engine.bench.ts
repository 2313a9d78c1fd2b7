/**
 * `npm run bench:engine`: attempts/s through the ban engine beside a no-op kafkajs `eachBatch`
 * consumer of the same topic, in the same run on the same broker. Produces 200,000 attempts
 * (mostly normal logins, some brute force, credential stuffing and a distributed attack) to a
 * fresh topic, then lets each consumer read all of it and times first to last record.
 * Kafka: KAFKA_BROKERS, else a broker started from Maven Central; Postgres: a database created on
 * DATABASE_URL's server (or 127.0.0.1:5432) and dropped afterwards.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Topic, type LoginAttemptEvent } from '#warden/contracts';
import { createApp } from '#warden/runtime';
import { KafkaMessageBus } from '#warden/kafka';
import { BansRepository, LoginAttemptsRepository, SubjectStatesRepository } from '#warden/persistence';
import { benchConfig, produceAll, say, timeRowsUntil, withBenchRig, type BenchRig } from '../../../test/harness/bench-rig.js';
import { banEngineApp } from '../src/ban-engine.app.js';

const TOTAL = Number(process.env.BENCH_ATTEMPTS ?? 200_000);

function attempts(now: number): LoginAttemptEvent[] {
  const list: LoginAttemptEvent[] = [];
  const received = new Date(now).toISOString();
  for (let n = 0; list.length < TOTAL; n++) {
    const occurredAt = new Date(now - 240_000 + ((n * 7) % 240_000)).toISOString();
    const kind = n % 100;
    let ip: string;
    let account: string;
    let outcome: 'success' | 'failure' = 'failure';
    if (kind < 90) {
      // A normal user: mostly successes, the odd typo.
      ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      account = `user-${n % 50_000}`;
      outcome = kind < 85 ? 'success' : 'failure';
    } else if (kind < 95) {
      ip = `172.16.${(n >> 8) & 63}.${(n >> 2) & 255}`; // brute force: few IPs, one account each
      account = `target-${(n >> 8) & 63}`;
    } else if (kind < 98) {
      ip = `192.168.${(n >> 10) & 15}.7`; // credential stuffing: an IP, many accounts
      account = `leaked-${n}`;
    } else {
      ip = `100.64.${n & 255}.${(n >> 8) & 255}`; // distributed attack on one account
      account = 'ceo';
    }
    list.push({ schemaVersion: 1, id: randomUUID(), occurredAt, receivedAt: received, outcome, ip, account, credentialFingerprint: `fp-${n % 997}` });
  }
  return list;
}

/** Milliseconds spent in each step of the engine's batches, to say where the time goes. */
const stepMs = new Map<string, number>();

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
      }
    };
  }
}

async function timeNoopConsumer(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-noop-${randomBytes(3).toString('hex')}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  let seen = 0;
  let first = 0;
  let last = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        if (first === 0) first = performance.now();
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
  return (TOTAL / (last - first)) * 1000;
}

async function timeEngine(rig: BenchRig): Promise<number> {
  timeSteps('attempts', LoginAttemptsRepository.prototype, ['store', 'storedVerdicts', 'saveVerdicts']);
  timeSteps('states', SubjectStatesRepository.prototype, ['lockAndLoad', 'save']);
  timeSteps('bans', BansRepository.prototype, ['save', 'saveEvents']);
  timeSteps('bus', KafkaMessageBus.prototype, ['publishMany']);
  const app = await createApp(banEngineApp, benchConfig(rig));
  await app.listen(0, '127.0.0.1');
  const started = performance.now();
  const rate = await timeRowsUntil(rig, 'login_attempts', TOTAL, 'engine: attempts decided');
  const wallMs = performance.now() - started;
  const bans = (await rig.pool.query("SELECT count(*)::int AS n FROM bans WHERE status = 'active'")).rows[0].n;
  say(`  engine: ${bans} active bans`);
  const steps = [...stepMs].sort((a, b) => b[1] - a[1]);
  const measured = steps.reduce((sum, [, ms]) => sum + ms, 0);
  say(`  where the engine's I/O time went (${(measured / 1000).toFixed(1)} s in ${(wallMs / 1000).toFixed(1)} s; publishing overlaps the writes, and the policy runs between these steps):`);
  for (const [name, ms] of steps) say(`    ${name.padEnd(22)} ${(ms / 1000).toFixed(2)} s  ${((ms / measured) * 100).toFixed(0)}%`);
  await app.close();
  return rate;
}

await withBenchRig(async (rig) => {
  const list = attempts(Date.now());
  const produced = await produceAll(rig, Topic.loginAttempts, list.map((attempt) => ({ key: attempt.ip, value: JSON.stringify(attempt) })), 'attempts');
  say(`  produce: ${produced.toFixed(0)} attempts/s`);
  const kafka = new Kafka({ brokers: rig.brokers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const noop = await timeNoopConsumer(kafka, rig.prefix + Topic.loginAttempts);
  say(`  no-op kafkajs eachBatch consumer: ${noop.toFixed(0)} attempts/s`);
  const engine = await timeEngine(rig);
  say(`ban engine: ${engine.toFixed(0)} attempts/s; no-op consumer: ${noop.toFixed(0)} attempts/s; ratio ${((engine / noop) * 100).toFixed(1)}%`);
});
