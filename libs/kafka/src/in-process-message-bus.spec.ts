import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic, TOPIC_SPECS } from '#warden/contracts';
import { waitFor } from '../../../test/harness/wait-for.js';
import { InProcessMessageBus, type InProcessBusOptions } from './in-process-message-bus.js';
import type { ConsumedRecord, MessageBus } from './message-bus.js';

const HOUR_MS = 3_600_000;

/** Every record a follower from the beginning sees, as `offset:value`, once it has caught up. */
async function followed(bus: MessageBus, topic: string): Promise<string[]> {
  const seen: string[] = [];
  const following = await bus.follow({ topic, from: 'beginning', decode: (value) => value.toString(), handle: (records) => void seen.push(...records.map((record) => `${record.offset}:${record.value}`)) });
  await following.caughtUp;
  await following.stop();
  return seen;
}

const segmentsOf = (directory: string, topic: string) => readdirSync(join(directory, 'topics', topic)).filter((name) => name.endsWith('.log'));

describe('the in-process bus', () => {
  let directory: string;
  const open: MessageBus[] = [];

  /** A bus on the test's folder, its topics made; a second call is the next start on the same folder. */
  async function start(options: Partial<InProcessBusOptions> = {}): Promise<InProcessMessageBus> {
    const bus = new InProcessMessageBus({ directory, ...options });
    open.push(bus);
    await bus.ensureTopics(TOPIC_SPECS);
    return bus;
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'warden-bus-'));
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it("drops records older than their topic's retention, though only followers read them, also after a restart", async () => {
    let now = Date.UTC(2026, 10, 23, 12);
    const bus = await start({ now: () => now });
    await bus.publish(Topic.verdicts, [{ key: 'old', value: 'old' }]);
    await bus.publish(Topic.verdicts, [{ key: 'older-than-an-hour-soon', value: 'middle' }]);
    now += HOUR_MS + 1; // auth.verdicts keeps records for an hour
    await bus.publish(Topic.verdicts, [{ key: 'new', value: 'new' }]);
    expect(await followed(bus, Topic.verdicts)).toEqual(['2:new']);
    await bus.close();
    expect(await followed(await start({ now: () => now }), Topic.verdicts)).toEqual(['2:new']);
  });

  it('finds every record at its offset, and each group where it committed, after a restart', async () => {
    const first = await start();
    await first.publish(Topic.incidents, ['a', 'b', 'c'].map((value) => ({ key: 'k', value })));
    const handled: Array<ConsumedRecord<string>> = [];
    await first.subscribe({ topic: Topic.incidents, groupId: 'audit', decode: (value) => value.toString(), handle: async (records) => void handled.push(...records) });
    await waitFor('the three records', () => (handled.length === 3 ? true : undefined));
    await first.publish(Topic.incidents, [{ key: 'k', value: 'd' }]);
    await waitFor('the fourth', () => (handled.length === 4 ? true : undefined));
    await first.close();

    const second = await start();
    // As before the restart, a plain topic holds only what some group has yet to read.
    expect(await followed(second, Topic.incidents)).toEqual([]);
    await second.publish(Topic.incidents, [{ key: 'k', value: 'e' }]);
    const after: Array<ConsumedRecord<string>> = [];
    await second.subscribe({ topic: Topic.incidents, groupId: 'audit', decode: (value) => value.toString(), handle: async (records) => void after.push(...records) });
    await waitFor('the record published after the restart', () => (after.length >= 1 ? true : undefined));
    expect(after.map((record) => [record.offset, record.value])).toEqual([['4', 'e']]);
  });

  it('cuts off a write torn by a crash at the last whole record, and goes on from there', async () => {
    const first = await start();
    await first.publish(Topic.adminCommands, [{ key: 'k', value: 'whole' }]);
    await first.close();
    const [segment] = segmentsOf(directory, Topic.adminCommands);
    const path = join(directory, 'topics', Topic.adminCommands, segment!);
    const whole = statSync(path).size;
    appendFileSync(path, Buffer.from([60, 0, 0, 0, 1, 2, 3, 4, 5])); // a header promising 60 bytes, and 5 of them

    const second = await start();
    expect(statSync(path).size).toBe(whole);
    await second.publish(Topic.adminCommands, [{ key: 'k', value: 'next' }]);
    expect(await followed(second, Topic.adminCommands)).toEqual(['0:whole', '1:next']);
    await second.close();
    expect(await followed(await start(), Topic.adminCommands)).toEqual(['0:whole', '1:next']);
  });

  it('refuses to start on a log damaged before its last segment, naming the file', async () => {
    const bus = await start({ segmentBytes: 64 });
    for (const value of ['one', 'two', 'three']) await bus.publish(Topic.adminCommands, [{ key: 'k', value: value.repeat(20) }]);
    await bus.close();
    const [first] = segmentsOf(directory, Topic.adminCommands);
    appendFileSync(join(directory, 'topics', Topic.adminCommands, first!), 'garbage');
    await expect(start()).rejects.toThrow(`${first} is damaged`);
  });

  it('keeps the latest record of each key of a compacted topic, at its offset, rewriting its file as it grows', async () => {
    const bus = await start();
    for (let round = 0; round < 30; round++) {
      await bus.publish(Topic.banDecisions, Array.from({ length: 100 }, (_, subject) => ({ key: `subject-${subject}`, value: `round-${round}` })));
    }
    const latest = Array.from({ length: 100 }, (_, subject) => `${2_900 + subject}:round-29`);
    const fileBytes = () => segmentsOf(directory, Topic.banDecisions).reduce((bytes, name) => bytes + statSync(join(directory, 'topics', Topic.banDecisions, name)).size, 0);
    // 3,000 records of about 50 bytes were written; compactions keep it near 100 to 1,100 of them.
    await waitFor('the file rewritten', () => (fileBytes() < 1_100 * 60 ? true : undefined));
    expect(await followed(bus, Topic.banDecisions)).toEqual(expect.arrayContaining(latest));
    await bus.close();
    const afterRestart = await followed(await start(), Topic.banDecisions);
    expect(afterRestart.slice(-100)).toEqual(latest);
    expect(afterRestart.length).toBeLessThan(1_100);
  });

  it('deletes the segments of a plain topic once every group has read them', async () => {
    const bus = await start({ segmentBytes: 1_024 });
    let handled = 0;
    await bus.subscribe({ topic: Topic.loginAttempts, groupId: 'engine', decode: (value) => value, handle: async (records) => void (handled += records.length) });
    for (let n = 0; n < 50; n++) await bus.publish(Topic.loginAttempts, Array.from({ length: 10 }, () => ({ key: 'k', value: 'x'.repeat(50) })));
    await waitFor('every record handled', () => (handled === 500 ? true : undefined));
    await bus.publish(Topic.loginAttempts, [{ key: 'k', value: 'last' }]);
    await waitFor('the old segments deleted', () => (segmentsOf(directory, Topic.loginAttempts).length <= 2 ? true : undefined));
  });

  it('shares one disk write among the publishes that arrive while one is being synced', async () => {
    const bus = await start();
    await Promise.all(Array.from({ length: 200 }, (_, n) => bus.publish(Topic.loginAttempts, [{ key: `k${n % 7}`, value: String(n) }])));
    expect(await bus.diskWrites()).toBeLessThan(20);
    // In the order they were published.
    expect(await followed(bus, Topic.loginAttempts)).toEqual(Array.from({ length: 200 }, (_, n) => `${n}:${n}`));
  });

  it('keeps its epoch for as long as its folder lives', async () => {
    const epoch = await (await start()).epoch();
    await open[0]!.close();
    expect(await (await start()).epoch()).toBe(epoch);
    rmSync(directory, { recursive: true, force: true });
    const inNewFolder = new InProcessMessageBus({ directory });
    open.push(inNewFolder);
    expect(await inNewFolder.epoch()).not.toBe(epoch);
  });
});
