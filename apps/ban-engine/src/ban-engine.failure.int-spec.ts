import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { sqlPool, type SqlPool } from '../../../test/harness/sql-probe.js';
import { Topic, type BanDecisionRecord, type DeadLetter, type VerdictRecord } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { TopicReader } from '../../../test/harness/topic-reader.js';
import { eventually, waitFor } from '../../../test/harness/wait-for.js';
import { banEngineApp } from './ban-engine.app.js';
import { ImposeBanHandler } from './bans/ban-step.handlers.js';
import { ACCOUNT_STAGE_GROUP } from './stages/account-stage.js';
import { NETWORK_STAGE_GROUP } from './stages/network-stage.js';

/**
 * A batch whose work fails is not committed: it comes again, and is decided once it can be. An
 * outage waits as long as it lasts; a failure that stays with one record sends that record, and
 * only it, to the DLQ after WARDEN_POISON_TRIES tries (DESIGN §8).
 */
describe('ban engine when its work fails', () => {
  const prefix = uniqueTopicPrefix('failing');
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  let databaseUrl: string;
  let engine: RunningApp;
  let db: SqlPool;

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_failing');
    engine = await startApp(banEngineApp, { WARDEN_TOPIC_PREFIX: prefix, DATABASE_URL: databaseUrl, WARDEN_TOPIC_PARTITIONS: '1', WARDEN_POISON_TRIES: '3' });
    db = sqlPool(databaseUrl, 1);
  });

  afterAll(async () => {
    await engine.close();
    await db.end();
    await dropDatabase(databaseUrl);
  });

  /** The network stage's committed offset on auth.login-attempts, or the account stage's on auth.attempts-by-account. */
  const committedOffset = async (stage: 'network' | 'account' = 'network') => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [group, topicName] = stage === 'network' ? [NETWORK_STAGE_GROUP, Topic.loginAttempts] : [ACCOUNT_STAGE_GROUP, Topic.attemptsByAccount];
      const [topic] = await admin.fetchOffsets({ groupId: prefix + group, topics: [prefix + topicName] });
      // -1: nothing committed yet.
      return Math.max(0, Number(topic!.partitions[0]!.offset));
    } finally {
      await admin.disconnect();
    }
  };

  const failures = async () => {
    const text = await (await fetch(`${engine.url}/metrics`)).text();
    return [...text.matchAll(/^warden_engine_batch_failures_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  };

  const send = async (attempts: ReadonlyArray<{ id: string; ip: string; account?: string }>) => {
    const at = new Date().toISOString();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: prefix + Topic.loginAttempts,
      messages: attempts.map((attempt) => ({
        // The attempt's network: the network stage's partition key (DESIGN §6).
        key: attempt.ip.replace(/\.\d+$/, '.0/24'),
        value: JSON.stringify({ schemaVersion: 1, occurredAt: at, receivedAt: at, outcome: 'failure', verdictWanted: true, ...attempt }),
      })),
    });
    await producer.disconnect();
  };

  it('leaves the offset uncommitted and retries until the database is back, dead-lettering nothing', async () => {
    const deadLetters = await new TopicReader<DeadLetter>(prefix + Topic.dlq).start();
    const verdicts = await new TopicReader<VerdictRecord>(prefix + Topic.verdicts).start();
    try {
      // Break the engine's writes: the table it checkpoints to is gone.
      await db.query('ALTER TABLE engine_checkpoints RENAME TO engine_checkpoints_away');
      const id = randomUUID();
      await send([{ id, ip: '192.0.2.9' }]);

      // More failures than WARDEN_POISON_TRIES: a missing table is the deployment's fault, not the record's.
      await waitFor('five failed tries', async () => ((await failures()) >= 5 ? true : undefined), 60_000, 200);
      expect(await committedOffset()).toBeLessThan(1);
      expect(verdicts.values).toEqual([]);

      await db.query('ALTER TABLE engine_checkpoints_away RENAME TO engine_checkpoints');
      await waitFor('the verdict', () => (verdicts.values.some((verdict) => verdict.attemptId === id) ? true : undefined), 60_000);
      await waitFor('the committed offset', async () => ((await committedOffset()) === 1 ? true : undefined), 30_000);
      expect(verdicts.values.filter((verdict) => verdict.attemptId === id)).toHaveLength(1);
      expect(deadLetters.values).toEqual([]);
    } finally {
      await verdicts.stop();
      await deadLetters.stop();
    }
  });

  it('leaves the offset uncommitted and retries when a step of the bans saga fails, fewer times than it may', async () => {
    const decisions = await new TopicReader<BanDecisionRecord>(prefix + Topic.banDecisions).start();
    const handler = engine.app.get(ImposeBanHandler);
    const announce = handler.execute.bind(handler);
    const before = { offset: await committedOffset('account'), failures: await failures() };
    // Two failures, then the third try works: fewer than WARDEN_POISON_TRIES, so nothing is dead-lettered.
    let calls = 0;
    handler.execute = async (command) => {
      if (++calls <= 2) throw new Error('recording the ban failed (injected by the test)');
      return announce(command);
    };
    try {
      // Five failures of one account from one IP: the fifth bans account-ip (DESIGN §7).
      await send(Array.from({ length: 5 }, () => ({ id: randomUUID(), ip: '192.0.2.10', account: 'mallory' })));
      await waitFor('the committed offset', async () => ((await committedOffset('account')) === before.offset + 5 ? true : undefined), 60_000);
      const ban = await db.query("SELECT level FROM bans WHERE subject = 'account-ip:mallory|192.0.2.10'");
      expect(ban.rows).toEqual([{ level: 1 }]);
      // Sent before the offset's commit, but perhaps not read by the test's reader yet.
      await eventually(async () => expect(decisions.values.filter((decision) => decision.subject === 'account-ip:mallory|192.0.2.10').map((decision) => decision.level)).toEqual([1]));
      expect(await failures()).toBe(before.failures + 2);
    } finally {
      handler.execute = announce;
      await decisions.stop();
    }
  });

  it('dead-letters the one record whose work keeps failing, and decides the rest of its batch', async () => {
    const deadLetters = await new TopicReader<DeadLetter>(prefix + Topic.dlq).start();
    const handler = engine.app.get(ImposeBanHandler);
    const announce = handler.execute.bind(handler);
    const before = await committedOffset('account');
    handler.execute = async (command) => {
      if (command.decision.subject.includes('poison')) throw new Error('recording this ban always fails (injected by the test)');
      return announce(command);
    };
    try {
      const poison = Array.from({ length: 5 }, () => ({ id: randomUUID(), ip: '192.0.2.11', account: 'poison' }));
      const healthy = Array.from({ length: 5 }, () => ({ id: randomUUID(), ip: '192.0.2.12', account: 'trudy' }));
      await send([...poison, ...healthy]);
      await waitFor('the committed offset', async () => ((await committedOffset('account')) === before + 10 ? true : undefined), 60_000);
      // The fifth failure is the one whose ban cannot be announced: it alone goes to the DLQ.
      await waitFor('the dead letter', () => (deadLetters.values.length > 0 ? true : undefined), 10_000);
      // It is the account stage's record (the attempt, with the network stage's outcome).
      expect(deadLetters.values.map((letter) => JSON.parse(letter.payload).attempt.id)).toEqual([poison[4]!.id]);
      expect(deadLetters.values[0]!.error).toMatch(/^processing failed 3 times: recording this ban always fails/);
      const bans = await db.query("SELECT subject FROM bans WHERE subject IN ('account-ip:poison|192.0.2.11', 'account-ip:trudy|192.0.2.12')");
      expect(bans.rows).toEqual([{ subject: 'account-ip:trudy|192.0.2.12' }]);
    } finally {
      handler.execute = announce;
      await deadLetters.stop();
    }
  });
});
