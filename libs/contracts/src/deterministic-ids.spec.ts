import fc from 'fast-check';
import { fnv1a32, formatShortKey, hash128Hex, parseShortKey, shortHash, shortKey, uuidFromParts } from './deterministic-ids.js';

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

  it('shortHash is the number shortKey prints, and parseShortKey reads it back exactly', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const hash = shortHash(text);
        expect(Number.isSafeInteger(hash) && hash >= 0).toBe(true);
        expect(shortKey(text)).toBe(hash.toString(36));
        expect(parseShortKey(shortKey(text))).toBe(hash);
      }),
    );
    for (const hash of [0, 1, 2 ** 32, 2 ** 53 - 1]) expect(parseShortKey(hash.toString(36))).toBe(hash);
  });

  it('formatShortKey prints a key as toString(36) does', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (key) => expect(formatShortKey(key)).toBe(key.toString(36))));
    for (const key of [0, 35, 36, 36 ** 5 - 1, 36 ** 5, 36 ** 5 + 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1]) expect(formatShortKey(key)).toBe(key.toString(36));
  });

  it('shortKey is the one stored states already hold (state written before keys became numbers in memory)', () => {
    // Values of the former string-only implementation: a changed hash would orphan every stored typo key.
    expect(shortKey('account-ip:alice|203.0.113.7')).toBe(shortKeyBefore('account-ip:alice|203.0.113.7'));
    expect(shortKey('bob')).toBe(shortKeyBefore('bob'));
  });
});

/** shortKey as it was written before `shortHash` existed: two separate passes of fnv1a32. */
function shortKeyBefore(text: string): string {
  const high = fnv1a32(text, 0x9e3779b9) & 0x1fffff;
  const low = fnv1a32(text, 0x85ebca6b);
  return (high * 0x100000000 + low).toString(36);
}
