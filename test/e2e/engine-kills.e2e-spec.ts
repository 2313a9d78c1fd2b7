import { Kafka, logLevel, type Producer } from 'kafkajs';
import { attemptTopicRecords, DEFAULT_POLICY } from '#warden/ban-policy';
import { Topic, uuidFromParts, type AdminCommandRecord, type BanDecisionRecord, type IncidentRecord, type LoginAttemptEvent } from '#warden/contracts';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { TEST_API_KEYS, uniqueTopicPrefix } from '../harness/running-app.js';
import { sqlPool, type SqlPool } from '../harness/sql-probe.js';
import { TopicReader } from '../harness/topic-reader.js';
import { waitFor } from '../harness/wait-for.js';

const T0 = Date.UTC(2026, 11, 1, 12);
const SECOND = 1_000;

/**
 * 50,000+ attempts over ten minutes of event time, produced in event-time order as a gateway
 * would (keyed by network): 200 brute-forced accounts (one IP each), 50 stuffing IPs (a fresh
 * account per attempt), a botnet on 20 accounts from 100 networks each, an IPv6 sweep of 500 /64s,
 * and normal users; and manual bans and unbans of addresses the attacks do not touch.
 */
function stream(): { attempts: LoginAttemptEvent[]; commands: Array<{ afterAttempt: number; command: AdminCommandRecord }> } {
  const attempts: LoginAttemptEvent[] = [];
  const add = (at: number, ip: string, account: string, outcome: 'success' | 'failure', fingerprint?: string) =>
    attempts.push({
      schemaVersion: 1,
      id: uuidFromParts('kill-test', String(attempts.length)),
      occurredAt: new Date(at).toISOString(),
      receivedAt: new Date(at).toISOString(),
      outcome,
      ip,
      account,
      ...(fingerprint === undefined ? {} : { credentialFingerprint: fingerprint }),
    });
  for (let tick = 0; tick < 600; tick++) {
    const at = T0 + tick * SECOND;
    for (let n = 0; n < 200; n++) if (tick % 20 === n % 20) add(at + n, `10.1.${n}.7`, `brute-${n}`, 'failure', `fp-${tick % 7}`);
    for (let n = 0; n < 50; n++) if (tick % 5 === n % 5) add(at + 200 + n, `10.2.${n}.9`, `stuffed-${n}-${tick}`, 'failure');
    for (let account = 0; account < 20; account++) add(at + 300 + account, `10.${100 + account}.${tick % 100}.5`, `botnet-target-${account}`, 'failure', `guess-${tick}`);
    if (tick % 3 === 0) for (let n = 0; n < 5; n++) add(at + 400 + n, `2001:db8:${(tick * 5 + n).toString(16)}::1`, `admin-${n}`, 'failure');
    for (let n = 0; n < 40; n++) add(at + 500 + n, `10.${200 + (n % 50)}.${tick % 200}.${n}`, `user-${(tick * 40 + n) % 5_000}`, 'success');
  }
  const commands: Array<{ afterAttempt: number; command: AdminCommandRecord }> = [];
  for (let n = 0; n < 20; n++) {
    const issuedAt = new Date(T0 + n * 25 * SECOND).toISOString();
    const subject = n % 2 === 0 ? `ip:198.18.${n}.1` : `account:watched-${n}`;
    const common = { schemaVersion: 1 as const, subject, actor: 'soc', reason: `kill test ${n}`, issuedAt };
    commands.push({ afterAttempt: Math.floor((attempts.length * n) / 20), command: { ...common, id: uuidFromParts('kill-ban', String(n)), type: 'ban', durationSeconds: 3_600 } });
    if (n % 4 === 1) commands.push({ afterAttempt: Math.floor((attempts.length * (n + 1)) / 20), command: { ...common, id: uuidFromParts('kill-unban', String(n)), type: 'unban', issuedAt: new Date(Date.parse(issuedAt) + SECOND).toISOString() } });
  }
  return { attempts, commands };
}

interface Outcome {
  /** The last `auth.ban-decisions` record of each subject. */
  readonly decisions: Map<string, string>;
  /** The `bans` table. */
  readonly bans: Map<string, string>;
  /** Every incident, by id. */
  readonly incidents: Map<string, string>;
}

/** One run of the whole stream through engines in one group: `harm` gets the engines to harm while it flows. */
async function run(name: string, engineCount: number, harm: (engines: Engines) => Promise<void>): Promise<Outcome> {
  const prefix = uniqueTopicPrefix(name);
  const databaseUrl = await createDatabase(`warden_${name}`);
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const engines = new Engines(prefix, databaseUrl, engineCount);
  const db = sqlPool(databaseUrl, 1);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let decisions: TopicReader<BanDecisionRecord> | undefined;
  let incidents: TopicReader<IncidentRecord> | undefined;
  try {
    await engines.startAll();
    await producer.connect();
    const { attempts, commands } = stream();
    const flowing = produceSlowly(producer, prefix, attempts, commands);
    await Promise.all([flowing, harm(engines)]);
    await engines.startAll();
    await waitFor(`${name}: every record decided`, () => engines.caughtUp(db, kafka), 240_000, 500);
    decisions = await new TopicReader<BanDecisionRecord>(prefix + Topic.banDecisions).start();
    incidents = await new TopicReader<IncidentRecord>(prefix + Topic.incidents).start();
    await waitFor(`${name}: the topics read to their end`, async () => ((await engines.topicsRead(kafka, decisions!, incidents!)) ? true : undefined), 60_000, 250);
    const bans = (await db.query('SELECT subject, rule, level, since, until, status FROM bans ORDER BY subject')).rows;
    return {
      decisions: new Map(decisions.values.map((d) => [d.subject, `${d.state} ${d.rule} L${d.level} ${d.since} → ${d.until}`])),
      bans: new Map(bans.map((b) => [b.subject, `${b.status} ${b.rule} L${b.level} ${b.since.toISOString()} → ${b.until.toISOString()}`])),
      incidents: new Map(incidents.values.map((i) => [i.id, `${i.type} ${i.subject} ${i.rule} L${i.level} ${i.at} → ${i.until}`])),
    };
  } finally {
    await Promise.all([decisions?.stop(), incidents?.stop(), producer.disconnect().catch(() => undefined)]);
    await engines.stopAll();
    await db.end();
    await dropDatabase(databaseUrl);
  }
}

/** Produces the stream in slices over about twenty seconds (so harm lands mid-stream), admin commands among them. */
async function produceSlowly(producer: Producer, prefix: string, attempts: readonly LoginAttemptEvent[], commands: ReadonlyArray<{ afterAttempt: number; command: AdminCommandRecord }>): Promise<void> {
  const slice = 2_500;
  for (let start = 0; start < attempts.length; start += slice) {
    const end = Math.min(start + slice, attempts.length);
    // As gateway-api writes them: each attempt keyed by its network, and its account copy.
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const attempt of attempts.slice(start, end)) {
      for (const { topic, key, value } of attemptTopicRecords(attempt, DEFAULT_POLICY).records) {
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic)!.push({ key, value });
      }
    }
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: prefix + topic, messages })) });
    const due = commands.filter(({ afterAttempt }) => afterAttempt >= start && afterAttempt < end);
    if (due.length > 0) {
      await producer.send({ topic: prefix + Topic.adminCommands, messages: due.map(({ command }) => ({ key: command.subject, value: JSON.stringify(command) })) });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** The engine processes of one run. */
class Engines {
  readonly running: Array<AppProcess | undefined>;

  constructor(
    private readonly prefix: string,
    readonly databaseUrl: string,
    count: number,
  ) {
    this.running = Array.from({ length: count }, () => undefined);
  }

  async start(index: number): Promise<void> {
    const port = await freePort();
    const engine = spawnApp('ban-engine', {
      PATH: process.env.PATH,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      DATABASE_URL: this.databaseUrl,
      WARDEN_API_KEYS: TEST_API_KEYS,
      WARDEN_TOPIC_PREFIX: this.prefix,
      WARDEN_TOPIC_PARTITIONS: '4',
      // A killed member's partitions go to the other after 6 s (the broker's minimum), not 30.
      WARDEN_KAFKA_SESSION_TIMEOUT_MS: '6000',
      WARDEN_LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    this.running[index] = engine;
    await waitUntilReady(engine, `http://127.0.0.1:${port}`);
  }

  async startAll(): Promise<void> {
    for (let index = 0; index < this.running.length; index++) if (this.running[index] === undefined) await this.start(index);
  }

  async kill(index: number): Promise<void> {
    const engine = this.running[index];
    this.running[index] = undefined;
    if (engine === undefined) return;
    engine.child.kill('SIGKILL');
    await engine.exited();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.map(async (engine) => {
      engine?.child.kill('SIGTERM');
      await engine?.exited();
    }));
  }

  /** Whether both stages have checkpointed to the end of their topics. */
  async caughtUp(db: SqlPool, kafka: Kafka): Promise<boolean | undefined> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const end = async (topic: string) => (await admin.fetchTopicOffsets(this.prefix + topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
      const [attemptsEnd, accountsEnd] = await Promise.all([end(Topic.loginAttempts), end(Topic.attemptsByAccount)]);
      const { rows } = await db.query<{ stage: string; n: string }>('SELECT stage, sum(next_offset)::text AS n FROM engine_checkpoints GROUP BY stage');
      // Stages are named after the topics' prefix in the checkpoint tables.
      const at = Object.fromEntries(rows.map((row) => [row.stage.slice(this.prefix.length), Number(row.n)]));
      return at.network === attemptsEnd && at.account === accountsEnd && accountsEnd > 0 ? true : undefined;
    } finally {
      await admin.disconnect();
    }
  }

  /** Whether the readers have every record the topics hold. */
  async topicsRead(kafka: Kafka, decisions: { values: readonly unknown[] }, incidents: { values: readonly unknown[] }): Promise<boolean> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const count = async (topic: string) => (await admin.fetchTopicOffsets(this.prefix + topic)).reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
      return decisions.values.length >= (await count(Topic.banDecisions)) && incidents.values.length >= (await count(Topic.incidents));
    } finally {
      await admin.disconnect();
    }
  }
}

/** The entries of `actual` that differ from `expected` (or are missing from either), for a readable failure. */
function differences(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): string[] {
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  return [...keys].filter((key) => expected.get(key) !== actual.get(key)).sort().map((key) => `${key}: ${expected.get(key) ?? '(none)'} ≠ ${actual.get(key) ?? '(none)'}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * DESIGN §8's promise: after any crash (SIGKILL at any moment, of any of several engines in one
 * group) and a database outage, the decisions topic, the bans and the incidents (by id) equal those
 * of a run that was never killed — for every subject, the accounts attacked from many networks
 * included: each stage reads the attempts in the order they were produced (the account stage
 * from their account copies), so nothing depends on how fast each partition went.
 */
describe('ban engines killed at random moments', () => {
  let calm: Outcome;
  let harmed: Outcome;

  beforeAll(async () => {
    calm = await run('calm', 1, async () => undefined);
    harmed = await run('harmed', 2, async (engines) => {
      const kills = [0, 0];
      // A random moment within the stream for each harm; each engine is killed three times, and the
      // database drops every connection of the engines once in between.
      for (let round = 0; round < 6; round++) {
        await pause(1_000 + Math.random() * 2_000);
        const index = round % 2;
        await engines.kill(index);
        kills[index]!++;
        if (round === 2) {
          const db = sqlPool(engines.databaseUrl, 1);
          await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'warden' AND pid <> pg_backend_pid()");
          await db.end();
        }
        await engines.start(index);
      }
      expect(kills).toEqual([3, 3]);
    });
  }, 900_000);

  it('decide every subject exactly as one engine never killed, accounts attacked from many networks included', () => {
    expect(calm.decisions.size).toBeGreaterThan(100);
    // The botnet's targets: one account attacked from a hundred networks each.
    expect([...calm.bans.keys()].filter((subject) => subject.startsWith('account:botnet-target-'))).toHaveLength(20);
    for (const part of ['decisions', 'bans', 'incidents'] as const) {
      expect({ part, differences: differences(calm[part], harmed[part]) }).toEqual({ part, differences: [] });
    }
  });
});
