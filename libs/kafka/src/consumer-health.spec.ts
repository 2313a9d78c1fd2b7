import { ConsumerHealth, isConsumerHealthy, STALL_AFTER_MS } from './consumer-health.js';

describe('the health of a consumer', () => {
  it('says a partition has stalled once it has held a batch for 30 s, and recovers when the batch ends', () => {
    let now = 0;
    const health = new ConsumerHealth('group', 'topic', () => now);
    const consumer = { health: () => health.report() };
    health.running = true;
    health.began(3);
    now += STALL_AFTER_MS;
    expect(health.report().stalledPartitions).toEqual([]);
    now += 1;
    expect(health.report().stalledPartitions).toEqual([3]);
    expect(isConsumerHealthy(consumer)).toBe(false);
    health.ended(3);
    expect(isConsumerHealthy(consumer)).toBe(true);
  });

  it('is not healthy while stopped (between a crash and its restart), or before it exists', () => {
    const health = new ConsumerHealth('group', 'topic');
    expect(isConsumerHealthy({ health: () => health.report() })).toBe(false);
    expect(isConsumerHealthy(undefined)).toBe(false);
  });
});
