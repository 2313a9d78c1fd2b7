import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { decide, DEFAULT_POLICY } from '#warden/ban-policy';
import { policyAttempt } from '../../apps/ban-engine/src/decisions/policy-attempt.js';
import { attemptTime } from '../../apps/ban-engine/src/stages/decide-run.js';
import { Topic, type IncidentRecord, type LoginAttemptEvent, type VerdictRecord } from '#warden/contracts';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { TEST_API_KEYS, uniqueTopicPrefix } from '../harness/running-app.js';
import { TopicReader } from '../harness/topic-reader.js';
import { eventually, waitFor } from '../harness/wait-for.js';

/** Brute forces, credential stuffing and normal traffic, each subject's attempts from one IP. */
function stream(now: number): LoginAttemptEvent[] {
  const attempts: LoginAttemptEvent[] = [];
  const received = new Date(now).toISOString();
  const add = (ip: string, account: string, outcome: 'success' | 'failure', ageMs: number, fingerprint?: string) =>
    attempts.push({
      schemaVersion: 1,
      id: randomUUID(),
      occurredAt: new Date(now - ageMs).toISOString(),
      receivedAt: received,
      outcome,
      ip,
      account,
      // The test counts verdicts, as a waiting gateway would.
      verdictWanted: true,
      ...(fingerprint ? { credentialFingerprint: fingerprint } : {}),
    });
  for (let step = 0; step < 12; step++) {
    const age = 200_000 - step * 10_000;
    for (let n = 0; n < 40; n++) if (step < 8) add(`10.${n}.1.7`, `brute-${n}`, 'failure', age + n, `fp-${step}`);
    for (let n = 0; n < 20; n++) add(`10.${100 + n}.2.7`, `stuffed-${n}-${step}`, 'failure', age + n);
    for (let n = 0; n < 150; n++) add(`10.${200 + (n % 50)}.${n}.9`, `user-${n}`, 'success', age + n);
  }
  return attempts;
}

/**
 * An engine killed with SIGKILL in the middle of a stream and started again ends with the bans,
 * levels and incidents an uninterrupted run gives, and counts no attempt twice.
 */
describe('ban engine killed mid-stream', () => {
  const prefix = uniqueTopicPrefix('crash');
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  let databaseUrl: string;
  let engine: AppProcess | undefined;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_crash');
  });

  afterAll(async () => {
    engine?.child.kill('SIGKILL');
    await dropDatabase(databaseUrl);
  });

  async function startEngine(): Promise<AppProcess> {
    const port = await freePort();
    const started = spawnApp('ban-engine', {
      PATH: process.env.PATH,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      DATABASE_URL: databaseUrl,
      WARDEN_API_KEYS: TEST_API_KEYS,
      WARDEN_TOPIC_PREFIX: prefix,
      WARDEN_TOPIC_PARTITIONS: '4',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitUntilReady(started, `http://127.0.0.1:${port}`);
    return started;
  }

  it('ends with the same bans, levels and incidents as an uninterrupted run', async () => {
    const attempts = stream(Date.now());
    const reference = decide(new Map(), attempts.map((attempt) => policyAttempt(attempt, attemptTime(attempt))), DEFAULT_POLICY);
    const expectedBans = new Map(reference.decisions.map((decision) => [decision.subject, `${decision.rule} L${decision.level} until ${decision.until}`]));
    expect(expectedBans.size).toBe(60); // 40 brute-forced account-ip pairs, 20 stuffing IPs

    engine = await startEngine();
    const verdicts = await new TopicReader<VerdictRecord>(prefix + Topic.verdicts).start();
    const incidents = await new TopicReader<IncidentRecord>(prefix + Topic.incidents).start();
    const producer = kafka.producer();
    await producer.connect();
    const send = async (slice: LoginAttemptEvent[]) => {
      for (let start = 0; start < slice.length; start += 50) {
        await producer.send({
          topic: prefix + Topic.loginAttempts,
          messages: slice.slice(start, start + 50).map((attempt) => ({ key: attempt.ip, value: JSON.stringify(attempt) })),
        });
      }
    };
    try {
      const half = Math.floor(attempts.length / 2);
      await send(attempts.slice(0, half));
      await waitFor('the engine to be under way', () => (verdicts.values.length >= 100 ? true : undefined));
      engine.child.kill('SIGKILL');
      expect(await engine.exited()).toBe('SIGKILL');
      const decidedBeforeKill = new Set(verdicts.values.map((verdict) => verdict.attemptId)).size;
      expect(decidedBeforeKill).toBeLessThan(attempts.length);

      await send(attempts.slice(half));
      engine = await startEngine();
      const ids = new Set(attempts.map((attempt) => attempt.id));
      await waitFor(
        'a verdict for every attempt',
        () => (new Set(verdicts.values.map((verdict) => verdict.attemptId).filter((id) => ids.has(id))).size === ids.size ? true : undefined),
        90_000,
      );

      const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      try {
        // Verdicts are published just before the batch commits: wait for the commit.
        await eventually(async () => {
          const { rows: counted } = await db.query('SELECT count(*)::int AS n FROM login_attempts');
          expect(counted[0].n).toBe(attempts.length);
        });
        await eventually(async () => {
          const { rows: bans } = await db.query('SELECT subject, rule, level, until FROM bans');
          const actualBans = new Map(bans.map((ban) => [ban.subject, `${ban.rule} L${ban.level} until ${ban.until.getTime()}`]));
          expect(actualBans).toEqual(expectedBans);
        });
      } finally {
        await db.end();
      }
      const incidentIds = new Set(incidents.values.filter((incident) => incident.actor === 'policy' && incident.type !== 'ban_expired').map((incident) => incident.id));
      expect(incidentIds).toEqual(new Set(reference.incidents.map((incident) => incident.id)));
    } finally {
      await Promise.all([producer.disconnect(), verdicts.stop(), incidents.stop()]);
    }
  });
});
