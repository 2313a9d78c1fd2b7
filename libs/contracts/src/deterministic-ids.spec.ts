import { fnv1a32, hash128Hex, shortKey, uuidFromParts } from './deterministic-ids.js';

describe('hash', () => {
  it('hash128Hex is 32 hex digits, lane one equal to fnv1a32 with seed 0', () => {
    const hex = hash128Hex('ip:203.0.113.7');
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(hex.slice(0, 8)).toBe(fnv1a32('ip:203.0.113.7', 0).toString(16).padStart(8, '0'));
  });

  it('uuidFromParts is a version-8 RFC 9562 UUID, the same for the same text and different otherwise', () => {
    const id = uuidFromParts('ban_imposed|ip:203.0.113.7|ip-total|1|a-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromParts('ban_imposed|ip:203.0.113.7|ip-total|1|a-1')).toBe(id);
    expect(uuidFromParts('ban_imposed|ip:203.0.113.7|ip-total|2|a-1')).not.toBe(id);
    expect(uuidFromParts('ban_imposed', 'ip:203.0.113.7', 'ip-total', '1', 'a-1')).toBe(id);
    expect(uuidFromParts('ban_imposed', 'ip:203.0.113.7|ip-total', '1', 'a-1')).toBe(id);
  });

  it('shortKey spreads 100,000 account names without a collision', () => {
    const keys = new Set(Array.from({ length: 100_000 }, (_, i) => shortKey(`user${i}@example.com`)));
    expect(keys.size).toBe(100_000);
  });
});
