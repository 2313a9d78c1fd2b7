import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { Topic, type BanDecisionRecord, type VerdictRecord } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { TopicReader } from '../../../test/harness/topic-reader.js';
import { waitFor } from '../../../test/harness/wait-for.js';
import { BAN_ENGINE_GROUP } from './attempts/login-attempts.consumer.js';
import { banEngineApp } from './ban-engine.app.js';
import { AnnounceBanHandler } from './bans/ban-step.handlers.js';

/** A batch whose work fails is not committed: it comes again, and is decided once it can be. */
describe('ban engine when its work fails', () => {
  const prefix = uniqueTopicPrefix('failing');
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  let databaseUrl: string;
  let engine: RunningApp;
  let db: pg.Pool;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_failing');
    engine = await startApp(banEngineApp, { WARDEN_TOPIC_PREFIX: prefix, DATABASE_URL: databaseUrl, WARDEN_TOPIC_PARTITIONS: '1' });
    db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });

  afterAll(async () => {
    await engine.close();
    await db.end();
    await dropDatabase(databaseUrl);
  });

  const committedOffset = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId: prefix + BAN_ENGINE_GROUP, topics: [prefix + Topic.loginAttempts] });
      return Number(topic!.partitions[0]!.offset);
    } finally {
      await admin.disconnect();
    }
  };

  const failures = async () => {
    const text = await (await fetch(`${engine.url}/metrics`)).text();
    return Number(/^warden_engine_batch_failures_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
  };

  const send = async (attempts: ReadonlyArray<{ id: string; ip: string; account?: string }>) => {
    const at = new Date().toISOString();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: prefix + Topic.loginAttempts,
      messages: attempts.map((attempt) => ({
        key: attempt.ip,
        value: JSON.stringify({ schemaVersion: 1, occurredAt: at, receivedAt: at, outcome: 'failure', ...attempt }),
      })),
    });
    await producer.disconnect();
  };

  it('leaves the offset uncommitted and retries until the database is back', async () => {
    const verdicts = await new TopicReader<VerdictRecord>(prefix + Topic.verdicts).start();
    try {
      // Break the engine's writes: the table it stores state in is gone.
      await db.query('ALTER TABLE subject_states RENAME TO subject_states_away');
      const id = randomUUID();
      await send([{ id, ip: '192.0.2.9' }]);

      await waitFor('two failed tries', async () => ((await failures()) >= 2 ? true : undefined), 60_000, 200);
      expect(await committedOffset()).toBeLessThan(1);
      expect(verdicts.values).toEqual([]);
      const stored = await db.query('SELECT 1 FROM login_attempts WHERE id = $1', [id]);
      expect(stored.rows).toEqual([]); // rolled back with the rest of the batch

      await db.query('ALTER TABLE subject_states_away RENAME TO subject_states');
      await waitFor('the verdict', () => (verdicts.values.some((verdict) => verdict.attemptId === id) ? true : undefined), 60_000);
      await waitFor('the committed offset', async () => ((await committedOffset()) === 1 ? true : undefined), 30_000);
      expect(verdicts.values.filter((verdict) => verdict.attemptId === id)).toHaveLength(1);
    } finally {
      await verdicts.stop();
    }
  });

  it('leaves the offset uncommitted and retries when a step of the bans saga fails', async () => {
    const decisions = await new TopicReader<BanDecisionRecord>(prefix + Topic.banDecisions).start();
    const handler = engine.app.get(AnnounceBanHandler);
    const announce = handler.execute.bind(handler);
    const before = { offset: await committedOffset(), failures: await failures() };
    let failing = true;
    handler.execute = async (command) => {
      if (failing) throw new Error('announcing failed (injected by the test)');
      return announce(command);
    };
    try {
      // Five failures of one account from one IP: the fifth bans account-ip (DESIGN §7).
      await send(Array.from({ length: 5 }, () => ({ id: randomUUID(), ip: '192.0.2.10', account: 'mallory' })));
      await waitFor('two failed tries', async () => ((await failures()) >= before.failures + 2 ? true : undefined), 60_000, 200);
      expect(await committedOffset()).toBe(before.offset);
      const banned = await db.query("SELECT 1 FROM bans WHERE subject = 'account-ip:mallory|192.0.2.10'");
      expect(banned.rows).toEqual([]); // rolled back with the rest of the batch

      failing = false;
      await waitFor('the committed offset', async () => ((await committedOffset()) === before.offset + 5 ? true : undefined), 60_000);
      const ban = await db.query("SELECT level FROM bans WHERE subject = 'account-ip:mallory|192.0.2.10'");
      expect(ban.rows).toEqual([{ level: 1 }]);
      const published = decisions.values.filter((decision) => decision.subject === 'account-ip:mallory|192.0.2.10');
      expect(published.map((decision) => decision.level)).toEqual([1]);
    } finally {
      handler.execute = announce;
      await decisions.stop();
    }
  });
});
