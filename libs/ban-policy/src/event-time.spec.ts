import { MIN } from '../test/attempts.factory.js';
import { eventTime } from './event-time.js';

describe('eventTime: occurredAt clamped to [receivedAt − 5 min, receivedAt]', () => {
  const received = 1_700_000_000_000;
  it.each([
    ['on time', received, received],
    ['a minute early', received - MIN, received - MIN],
    ['exactly 5 minutes early', received - 5 * MIN, received - 5 * MIN],
    ['5 minutes and 1 ms early', received - 5 * MIN - 1, received - 5 * MIN],
    ['a day early', received - 24 * 60 * MIN, received - 5 * MIN],
    ['in the future', received + 1, received],
  ])('%s', (_, occurred, expected) => {
    expect(eventTime(occurred, received)).toBe(expected);
  });
});
