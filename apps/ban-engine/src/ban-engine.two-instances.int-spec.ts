import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { sqlPool, type SqlPool } from '../../../test/harness/sql-probe.js';
import { Topic, type IncidentRecord, type LoginAttemptEvent } from '#warden/contracts';
import { startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { TopicReader } from '../../../test/harness/topic-reader.js';
import { waitFor } from '../../../test/harness/wait-for.js';
import { NETWORK_STAGE_GROUP } from './stages/network-stage.js';
import { banEngineApp } from './ban-engine.app.js';

/**
 * Two engines in one consumer group, attempts keyed by IP over 4 partitions: each account is
 * attacked from 20 IPs, so both engines update the same account's state at the same time. Exactly
 * 20 failures must give each account exactly one ban, as one engine would.
 */
describe('two ban engines sharing the consumer group', () => {
  const prefix = uniqueTopicPrefix('two-engines');
  const env = { WARDEN_TOPIC_PREFIX: prefix, WARDEN_TOPIC_PARTITIONS: '4' };
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  let engines: RunningApp[];
  let incidents: TopicReader<IncidentRecord>;
  let db: SqlPool;

  beforeAll(async () => {
    engines = [await startApp(banEngineApp, env), await startApp(banEngineApp, env)];
    incidents = await new TopicReader<IncidentRecord>(prefix + Topic.incidents).start();
    db = sqlPool(process.env.DATABASE_URL, 2);
  });

  afterAll(async () => {
    await incidents.stop();
    await Promise.all(engines.map((engine) => engine.close()));
    await db.end();
  });

  it('gives each account attacked across partitions exactly the ban one engine gives', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const group = `${prefix}${NETWORK_STAGE_GROUP}`;
    const members = await waitFor('both engines in the group', async () => {
      const { groups } = await admin.describeGroups([group]);
      const current = groups[0]?.members ?? [];
      return groups[0]?.state === 'Stable' && current.length === 2 ? current : undefined;
    });
    await admin.disconnect();
    expect(members).toHaveLength(2);

    const run = randomBytes(3).toString('hex');
    const accounts = Array.from({ length: 6 }, (_, index) => `shared-${run}-${index}`);
    const t0 = Date.now() - 60_000;
    const attempts: LoginAttemptEvent[] = [];
    for (let n = 0; n < 20; n++) {
      for (const [index, account] of accounts.entries()) {
        const at = new Date(t0 + n * 1_000 + index).toISOString();
        const ip = `10.${index + 1}.${n}.9`;
        attempts.push({ schemaVersion: 1, id: randomUUID(), occurredAt: at, receivedAt: at, outcome: 'failure', ip, account, credentialFingerprint: `fp-${n}` });
      }
    }
    const producer = kafka.producer();
    await producer.connect();
    // Many small sends, so batches from all partitions reach both engines interleaved.
    for (let start = 0; start < attempts.length; start += 12) {
      await producer.send({
        topic: prefix + Topic.loginAttempts,
        messages: attempts.slice(start, start + 12).map((attempt) => ({ key: attempt.ip, value: JSON.stringify(attempt) })),
      });
    }
    await producer.disconnect();

    const { rows: stored } = await waitFor('every attempt stored', async () => {
      const result = await db.query('SELECT count(*)::int AS n FROM login_attempts WHERE account LIKE $1', [`shared-${run}-%`]);
      return result.rows[0].n === attempts.length ? result : undefined;
    });
    expect(stored[0].n).toBe(120);
    const bans = await waitFor('a ban on every account', async () => {
      const { rows } = await db.query(
        "SELECT subject, rule, level, until - since AS duration FROM bans WHERE subject LIKE $1 AND status = 'active' ORDER BY subject",
        [`account:shared-${run}-%`],
      );
      return rows.length === accounts.length ? rows : undefined;
    });
    expect(bans.map((ban) => [ban.subject, ban.rule, ban.level, ban.duration.minutes])).toEqual(
      accounts.map((account) => [`account:${account}`, 'account-failures', 1, 15]),
    );
    // A ban's row commits once its incident is sent, but the reader may not have consumed it yet.
    const imposedNow = () => incidents.values.filter((incident) => incident.type === 'ban_imposed' && incident.subject.startsWith(`account:shared-${run}`));
    await waitFor('an incident for every ban', () => (imposedNow().length >= accounts.length ? true : undefined));
    expect(imposedNow()).toHaveLength(accounts.length);
  });
});
