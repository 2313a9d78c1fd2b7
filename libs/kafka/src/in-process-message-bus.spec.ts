import { Topic, TOPIC_SPECS } from '#warden/contracts';
import { InProcessMessageBus } from './in-process-message-bus.js';

const HOUR_MS = 3_600_000;

describe('the in-process bus', () => {
  it("drops records older than their topic's retention, though only followers read them", async () => {
    let now = Date.UTC(2026, 10, 23, 12);
    const bus = new InProcessMessageBus(() => now);
    await bus.ensureTopics(TOPIC_SPECS);
    await bus.publish(Topic.verdicts, [{ key: 'old', value: 'old' }]);
    now += HOUR_MS + 1; // auth.verdicts keeps records for an hour
    await bus.publish(Topic.verdicts, [{ key: 'new', value: 'new' }]);

    const seen: string[] = [];
    const following = await bus.follow({
      topic: Topic.verdicts,
      from: 'beginning',
      decode: (value) => value.toString(),
      handle: (records) => void seen.push(...records.map((record) => record.value)),
    });
    try {
      await following.caughtUp;
      expect(seen).toEqual(['new']);
    } finally {
      await following.stop();
      await bus.close();
    }
  });
});
