import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sqlPool, type SqlPool } from '../../../test/harness/sql-probe.js';
import { Topic, type BanDecisionRecord, type IncidentRecord, type LoginAttemptEvent, type VerdictRecord } from '#warden/contracts';
import { startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { TopicReader } from '../../../test/harness/topic-reader.js';
import { eventually, waitFor } from '../../../test/harness/wait-for.js';
import { Database, StageCheckpointsRepository } from '#warden/persistence';
import { banEngineApp } from './ban-engine.app.js';

// Recent enough that the bans these attempts cause are still in force while the test looks.
const T0 = Date.now() - 60_000;
const SECOND = 1_000;

function attempt(fields: Partial<LoginAttemptEvent> & { at: number }): LoginAttemptEvent {
  const { at, ...rest } = fields;
  return {
    schemaVersion: 1,
    id: randomUUID(),
    outcome: 'failure',
    ip: '203.0.113.7',
    occurredAt: new Date(at).toISOString(),
    receivedAt: new Date(at).toISOString(),
    // The test reads the verdicts, as a waiting gateway would.
    verdictWanted: true,
    ...rest,
  };
}

/** The attack scenarios of DESIGN §7 through the real engine: Kafka in, Postgres and Kafka out. */
describe('ban engine on real Kafka and Postgres', () => {
  const prefix = uniqueTopicPrefix('engine');
  let engine: RunningApp;
  let producer: Producer;
  let db: SqlPool;
  /** The engine's own repositories read through it. */
  let database: Database;
  let verdicts: TopicReader<VerdictRecord>;
  let decisions: TopicReader<BanDecisionRecord>;
  let incidents: TopicReader<IncidentRecord>;

  beforeAll(async () => {
    engine = await startApp(banEngineApp, { WARDEN_TOPIC_PREFIX: prefix, WARDEN_TOPIC_PARTITIONS: '3' });
    const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    db = sqlPool(process.env.DATABASE_URL, 2);
    database = new Database(process.env.DATABASE_URL!, 2);
    [verdicts, decisions, incidents] = await Promise.all([
      new TopicReader<VerdictRecord>(prefix + Topic.verdicts).start(),
      new TopicReader<BanDecisionRecord>(prefix + Topic.banDecisions).start(),
      new TopicReader<IncidentRecord>(prefix + Topic.incidents).start(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([verdicts.stop(), decisions.stop(), incidents.stop(), producer.disconnect()]);
    await engine.close();
    await db.end();
    await database.close();
  });

  async function produce(attempts: LoginAttemptEvent[]) {
    await producer.send({
      topic: prefix + Topic.loginAttempts,
      messages: attempts.map((each) => ({ key: each.ip, value: JSON.stringify(each) })),
    });
    await waitFor(`verdicts of ${attempts.length} attempts`, () => {
      const ids = new Set(verdicts.values.map((verdict) => verdict.attemptId));
      return attempts.every((each) => ids.has(each.id)) ? true : undefined;
    });
  }

  const verdictOf = (id: string) => verdicts.values.find((verdict) => verdict.attemptId === id)!;

  async function activeBans(subjectPrefix: string) {
    const { rows } = await db.query(
      `SELECT subject, rule, level, since, until, visible FROM bans WHERE status = 'active' AND subject LIKE $1 ORDER BY subject`,
      [`${subjectPrefix}%`],
    );
    return rows;
  }

  it('bans an account on one IP after 5 failures in a row within 2 minutes (brute force)', async () => {
    const ip = '198.51.100.10';
    const attempts = [0, 20, 40, 60, 80].map((s) => attempt({ ip, account: 'Alice', at: T0 + s * SECOND, credentialFingerprint: `fp-${s}` }));
    await produce(attempts);

    expect(attempts.slice(0, 4).map((each) => verdictOf(each.id).banned)).toEqual([false, false, false, false]);
    const fifth = verdictOf(attempts[4]!.id);
    expect(fifth).toMatchObject({ banned: true, trigger: true, gatewayStatus: 429, retryAfter: 120 });
    await eventually(async () => expect(await activeBans(`account-ip:alice|${ip}`)).toEqual([
      {
        subject: `account-ip:alice|${ip}`,
        rule: 'account-ip-failures',
        level: 1,
        since: new Date(T0 + 80 * SECOND),
        until: new Date(T0 + 200 * SECOND),
        visible: false,
      },
    ]));
    const decision = await waitFor('the decision', () => decisions.values.find((each) => each.subject === `account-ip:alice|${ip}`));
    expect(decision).toMatchObject({ state: 'active', rule: 'account-ip-failures', level: 1, visible: false });
    const incident = await waitFor('the incident', () => incidents.values.find((each) => each.subject === `account-ip:alice|${ip}`));
    expect(incident).toMatchObject({ type: 'ban_imposed', rule: 'account-ip-failures', level: 1, actor: 'policy' });
    expect(incident.attemptIds).toEqual(expect.arrayContaining(attempts.map((each) => each.id)));

    // A sixth failure while banned escalates (Realpad) and stays invisible: 401.
    const sixth = attempt({ ip, account: 'alice', at: T0 + 90 * SECOND, credentialFingerprint: 'fp-90' });
    await produce([sixth]);
    expect(verdictOf(sixth.id)).toMatchObject({ banned: true, trigger: true, gatewayStatus: 401 });
    await eventually(async () => expect(await activeBans(`account-ip:alice|${ip}`)).toMatchObject([{ level: 2, until: new Date(T0 + 90 * SECOND + 4 * 60 * SECOND) }]));
  });

  it('bans an IP that fails on 10 distinct accounts within 10 minutes (credential stuffing)', async () => {
    const ip = '192.0.2.55';
    const attempts = Array.from({ length: 10 }, (_, index) => attempt({ ip, account: `user${index}`, at: T0 + index * 30 * SECOND }));
    await produce(attempts);
    await eventually(async () => expect(await activeBans(`ip:${ip}`)).toMatchObject([{ subject: `ip:${ip}`, rule: 'ip-distinct-accounts', level: 1, visible: false }]));
    const [ban] = await activeBans(`ip:${ip}`);
    expect(ban.until.getTime() - ban.since.getTime()).toBe(30 * 60 * SECOND);
    expect(verdictOf(attempts[9]!.id)).toMatchObject({ banned: true, trigger: true, gatewayStatus: 429 });
    await eventually(async () => expect(await activeBans('account:user')).toEqual([]));
  });

  it('bans an account failing from 20 IPs within 15 minutes (distributed attack)', async () => {
    const attempts = Array.from({ length: 20 }, (_, index) =>
      attempt({ ip: `10.${index}.0.1`, account: 'victim', at: T0 + index * 20 * SECOND, credentialFingerprint: `guess-${index}` }),
    );
    await produce(attempts);
    await eventually(async () => expect(await activeBans('account:victim')).toMatchObject([{ subject: 'account:victim', rule: 'account-failures', level: 1, visible: false }]));
    // No address of the attack is banned: each failed once (other tests of this database ban addresses of their own).
    await eventually(async () => expect((await activeBans('ip:10.')).filter((ban) => /^ip:10\.\d+\.0\.1$/.test(ban.subject))).toEqual([]));
  });

  it('imposes and lifts a manual ban from auth.admin-commands, with incidents naming the actor', async () => {
    const subject = 'ip:198.51.100.200';
    const ban = { schemaVersion: 1, id: randomUUID(), type: 'ban', subject, durationSeconds: 3_600, reason: 'abuse report #12', actor: 'soc', issuedAt: new Date().toISOString() };
    await producer.send({ topic: prefix + Topic.adminCommands, messages: [{ key: subject, value: JSON.stringify(ban) }] });
    const imposed = await waitFor('the manual ban', () => incidents.values.find((each) => each.subject === subject && each.type === 'manual_ban'));
    expect(imposed).toMatchObject({ actor: 'soc', reason: 'abuse report #12', rule: 'manual' });
    await eventually(async () => expect(await activeBans(subject)).toMatchObject([{ rule: 'manual', visible: true }]));
    await eventually(async () => expect(decisions.values.filter((each) => each.subject === subject)).toMatchObject([{ state: 'active', rule: 'manual' }]));

    const unban = { schemaVersion: 1, id: randomUUID(), type: 'unban', subject, reason: 'false positive', actor: 'soc-lead', issuedAt: new Date().toISOString() };
    await producer.send({ topic: prefix + Topic.adminCommands, messages: [{ key: subject, value: JSON.stringify(unban) }] });
    const lifted = await waitFor('the unban', () => incidents.values.find((each) => each.subject === subject && each.type === 'manual_unban'));
    expect(lifted).toMatchObject({ actor: 'soc-lead', reason: 'false positive' });
    await eventually(async () => expect(await activeBans(subject)).toEqual([]));
    await waitFor('the lifted decision', () => decisions.values.find((each) => each.subject === subject && each.state === 'lifted'));
  });

  it('expires a ban when its partition\'s stream time passes its end: an expired decision and a ban_expired incident, the level kept', async () => {
    const subject = 'account:short-lived';
    const issuedAt = Date.now() - 60_000;
    const ban = { schemaVersion: 1, id: randomUUID(), type: 'ban', subject, durationSeconds: 1, reason: 'test', actor: 'soc', issuedAt: new Date(issuedAt).toISOString() };
    await producer.send({ topic: prefix + Topic.adminCommands, messages: [{ key: subject, value: JSON.stringify(ban) }] });
    await waitFor('the manual ban', () => decisions.values.find((each) => each.subject === subject && each.state === 'active'));
    // Time in the engine is event time: the account's next attempt, two seconds later, ends the ban.
    await produce([attempt({ ip: '203.0.113.200', account: 'short-lived', at: issuedAt + 2_000, outcome: 'success' })]);
    const expired = await waitFor('ban_expired', () => incidents.values.find((each) => each.subject === subject && each.type === 'ban_expired'), 15_000);
    expect(Date.parse(expired.at)).toBe(issuedAt + 1_000);
    await waitFor('the expired decision', () => decisions.values.find((each) => each.subject === subject && each.state === 'expired'));
    await eventually(async () => expect(await activeBans(subject)).toEqual([]));
    // The subject's state as its partition's next owner would load it, from whichever of the account stage's partitions owns it.
    const checkpoints = new StageCheckpointsRepository(database);
    const loaded = await Promise.all([0, 1, 2].map((partition) => checkpoints.load({ stage: `${prefix}account`, partition })));
    const held = loaded.flatMap((checkpoint) => checkpoint?.states ?? []).filter((entry) => entry.subject === subject);
    expect(held).toEqual([{ subject, state: expect.objectContaining({ ban: expect.objectContaining({ level: 1, rule: 'manual' }) }) }]);
  });

  it('answers an attempt sent again with the verdict it got the first time, and counts it once', async () => {
    const ip = '198.51.100.77';
    const attempts = [0, 10, 20, 30, 40].map((s) => attempt({ ip, account: 'dave', at: T0 + s * SECOND }));
    await produce(attempts);
    const before = verdicts.values.length;
    await produce([attempts[4]!, attempts[0]!]);
    await waitFor('two more verdicts', () => (verdicts.values.length >= before + 2 ? true : undefined));
    const repeats = verdicts.values.slice(before);
    expect(repeats.find((each) => each.attemptId === attempts[4]!.id)).toEqual(verdictOf(attempts[4]!.id));
    expect(repeats.find((each) => each.attemptId === attempts[0]!.id)).toMatchObject({ banned: false });
    // Counted once: the ban is level 1, not 2 (active or already expired by the partition's stream time).
    await eventually(async () => expect((await db.query('SELECT level FROM bans WHERE subject = $1', [`account-ip:dave|${ip}`])).rows).toEqual([{ level: 1 }]));
  });
});
