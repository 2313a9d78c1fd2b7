import { kafkaClusterId } from './kafka-broker.js';

describe('kafkaClusterId', () => {
  it('is a Kafka cluster id (16 bytes, base64url) that never starts with "-", which kafka-storage would read as an option', () => {
    // One id in 64 would start with "-": 5,000 of them meet that case with near certainty.
    const ids = Array.from({ length: 5_000 }, () => kafkaClusterId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
