import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topic, TOPIC_SPECS, type DeadLetter } from '#warden/contracts';
import { waitFor } from '../../../test/harness/wait-for.js';
import { InProcessMessageBus } from './in-process-message-bus.js';
import { KafkaMessageBus } from './kafka-message-bus.js';
import type { ConsumedRecord, MessageBus } from './message-bus.js';

/** The in-process buses' folders, one per test, removed at the end. */
const folders = mkdtempSync(join(tmpdir(), 'warden-bus-contract-'));
afterAll(() => rmSync(folders, { recursive: true, force: true }));

/** The contract both buses keep, run against a real broker and against the in-process stand-in. */
const buses: Array<[string, () => { bus: MessageBus; prefix: string }]> = [
  [
    'Kafka',
    () => {
      const prefix = `bus-${randomBytes(3).toString('hex')}.`;
      const brokers = process.env.KAFKA_BROKERS!.split(',');
      return { bus: new KafkaMessageBus({ brokers, clientId: 'bus-test', topicPrefix: prefix, partitions: 2 }), prefix };
    },
  ],
  ['in-process', () => ({ bus: new InProcessMessageBus({ directory: mkdtempSync(join(folders, 'bus-')) }), prefix: '' })],
];

const decodeNumber = (value: Buffer): number => {
  const number = Number(value.toString());
  if (!Number.isInteger(number)) throw new Error(`not a number: ${value.toString()}`);
  return number;
};

describe.each(buses)('MessageBus contract on %s', (_name, make) => {
  let bus: MessageBus;

  beforeEach(async () => {
    ({ bus } = make());
    await bus.ensureTopics(TOPIC_SPECS);
  });

  afterEach(() => bus.close());

  it('delivers published records in batches, in order per key', async () => {
    const seen: number[] = [];
    await bus.subscribe({
      topic: Topic.loginAttempts,
      groupId: 'order',
      decode: decodeNumber,
      handle: async (records) => void seen.push(...records.map((record) => record.value)),
    });
    await bus.publish(Topic.loginAttempts, Array.from({ length: 50 }, (_, index) => ({ key: 'one-key', value: String(index) })));
    await waitFor('50 records', () => (seen.length >= 50 ? true : undefined));
    expect(seen).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('publishes on several lanes at once, each in its order, and closes with lanes open', async () => {
    const seen = new Map<string, number[]>();
    await bus.subscribe({
      topic: Topic.loginAttempts,
      groupId: 'lanes',
      decode: decodeNumber,
      handle: async (records) => {
        for (const record of records) seen.set(record.key!, [...(seen.get(record.key!) ?? []), record.value]);
      },
    });
    const lanes = ['network', 'account', 'network-again'];
    await Promise.all(
      lanes.map(async (lane) => {
        for (let index = 0; index < 20; index++) await bus.publishMany([{ topic: Topic.loginAttempts, records: [{ key: lane, value: String(index) }] }], lane);
      }),
    );
    await waitFor('20 records of each lane', () => (lanes.every((lane) => seen.get(lane)?.length === 20) ? true : undefined));
    for (const lane of lanes) expect(seen.get(lane)).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('sends a record it cannot decode to the DLQ and goes on with the next', async () => {
    const seen: number[] = [];
    const letters: DeadLetter[] = [];
    await bus.subscribe({
      topic: Topic.dlq,
      groupId: 'dlq-reader',
      decode: (value) => JSON.parse(value.toString()) as DeadLetter,
      handle: async (records) => void letters.push(...records.map((record) => record.value)),
    });
    await bus.subscribe({
      topic: Topic.loginAttempts,
      groupId: 'dlq',
      decode: decodeNumber,
      handle: async (records) => void seen.push(...records.map((record) => record.value)),
    });
    await bus.publish(Topic.loginAttempts, [
      { key: 'k', value: '1' },
      { key: 'k', value: 'garbage' },
      { key: 'k', value: Buffer.from([0xff, 0xfe, 0x00]) },
      { key: 'k', value: '2' },
    ]);
    await waitFor('the good records', () => (seen.length >= 2 ? true : undefined));
    await waitFor('two dead letters', () => (letters.length >= 2 ? true : undefined));
    expect(seen).toEqual([1, 2]);
    expect(letters.map((letter) => [letter.topic, letter.error, letter.payloadEncoding, letter.payload])).toEqual([
      [Topic.loginAttempts, 'not a number: garbage', 'utf8', 'garbage'],
      [Topic.loginAttempts, expect.stringContaining('not a number'), 'base64', Buffer.from([0xff, 0xfe, 0x00]).toString('base64')],
    ]);
    expect(Number(letters[1]!.offset)).toBe(Number(letters[0]!.offset) + 1);
  });

  it('delivers a batch again when its handler fails, and commits only once it succeeds', async () => {
    const attempts: number[][] = [];
    let failuresLeft = 1;
    const handled: Array<ConsumedRecord<number>> = [];
    await bus.subscribe({
      topic: Topic.adminCommands,
      groupId: 'retry',
      decode: decodeNumber,
      handle: async (records) => {
        attempts.push(records.map((record) => record.value));
        if (failuresLeft-- > 0) throw new Error('database is down');
        handled.push(...records);
      },
    });
    await bus.publish(Topic.adminCommands, [1, 2, 3].map((value) => ({ key: 'k', value: String(value) })));
    await waitFor('the batch to succeed', () => (handled.length >= 3 ? true : undefined), 60_000);
    expect(handled.map((record) => record.value)).toEqual([1, 2, 3]);
    // The failed delivery was followed by a delivery of the same records.
    expect(attempts[0]).toEqual(attempts[1]!.slice(0, attempts[0]!.length));
  });

  it('follows a topic from its beginning up to its end offsets, then tails it; each follower sees every partition', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `subject-${index}`);
    await bus.publish(Topic.banDecisions, keys.map((key, index) => ({ key, value: String(index) })));
    await bus.publish(Topic.banDecisions, [{ key: 'subject-0', value: 'not a number' }]);
    const follow = async (seen: Array<ConsumedRecord<number>>) =>
      bus.follow({ topic: Topic.banDecisions, from: 'beginning', decode: decodeNumber, handle: (records) => void seen.push(...records) });
    const first: Array<ConsumedRecord<number>> = [];
    const second: Array<ConsumedRecord<number>> = [];
    const followers = [await follow(first), await follow(second)];
    await Promise.all(followers.map((following) => following.caughtUp));
    for (const seen of [first, second]) {
      // Caught up means everything published before the start has been handled (the bad record skipped).
      expect(seen.map((record) => record.value).sort((a, b) => a - b)).toEqual(keys.map((_key, index) => index));
    }
    await bus.publish(Topic.banDecisions, [{ key: 'subject-1', value: '100' }]);
    await waitFor('the new record at both followers', () => (first.length > 40 && second.length > 40 ? true : undefined));
    expect([first.at(-1)?.value, second.at(-1)?.value]).toEqual([100, 100]);
    await Promise.all(followers.map((following) => following.stop()));
  });

  it('follows a topic from its end: only what is published after follow resolves', async () => {
    await bus.publish(Topic.verdicts, [{ key: 'a', value: '1' }]);
    const seen: number[] = [];
    const following = await bus.follow({
      topic: Topic.verdicts,
      from: 'end',
      decode: decodeNumber,
      handle: (records) => void seen.push(...records.map((record) => record.value)),
    });
    await following.caughtUp;
    await bus.publish(Topic.verdicts, [{ key: 'b', value: '2' }, { key: 'c', value: '3' }]);
    await waitFor('the two new records', () => (seen.length >= 2 ? true : undefined), 30_000);
    expect(seen.sort()).toEqual([2, 3]);
    await following.stop();
  });

  it('resumes a group from its committed offset after a restart', async () => {
    const first: number[] = [];
    const consumer = await bus.subscribe({
      topic: Topic.incidents,
      groupId: 'resume',
      decode: decodeNumber,
      handle: async (records) => void first.push(...records.map((record) => record.value)),
    });
    await bus.publish(Topic.incidents, [{ key: 'k', value: '1' }]);
    await waitFor('the first record', () => (first.length === 1 ? true : undefined));
    await consumer.stop();
    await bus.publish(Topic.incidents, [{ key: 'k', value: '2' }]);
    const second: number[] = [];
    await bus.subscribe({
      topic: Topic.incidents,
      groupId: 'resume',
      decode: decodeNumber,
      handle: async (records) => void second.push(...records.map((record) => record.value)),
    });
    await waitFor('the second record', () => (second.length >= 1 ? true : undefined), 30_000);
    expect(second).toEqual([2]);
  });
});

describe('KafkaMessageBus topics', () => {
  it('creates every topic of DESIGN §6 under the prefix, the decisions topic compacted', async () => {
    const prefix = `topics-${randomBytes(3).toString('hex')}.`;
    const brokers = process.env.KAFKA_BROKERS!.split(',');
    const bus = new KafkaMessageBus({ brokers, clientId: 'topics-test', topicPrefix: prefix, partitions: 3 });
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    try {
      await bus.ensureTopics(TOPIC_SPECS);
      await bus.ensureTopics(TOPIC_SPECS); // a second start finds them and changes nothing
      await admin.connect();
      const names = (await admin.listTopics()).filter((name) => name.startsWith(prefix)).sort();
      expect(names).toEqual(Object.values(Topic).map((topic) => prefix + topic).sort());
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: prefix + Topic.banDecisions, configNames: ['cleanup.policy'] }],
      });
      expect(resources[0]!.configEntries[0]!.configValue).toBe('compact');
      const metadata = await admin.fetchTopicMetadata({ topics: [prefix + Topic.loginAttempts] });
      expect(metadata.topics[0]!.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });
});
