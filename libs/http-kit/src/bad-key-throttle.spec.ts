import { BAD_KEY_LIMIT, BadKeyThrottle } from './bad-key-throttle.js';

describe('BadKeyThrottle', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');

  it('throttles an address on its tenth bad key within a minute, for a minute, then doubles', () => {
    const throttle = new BadKeyThrottle();
    for (let i = 1; i < BAD_KEY_LIMIT; i++) expect(throttle.recordBadKey('203.0.113.7', t0 + i)).toBe(0);
    expect(throttle.retryAfter('203.0.113.7', t0 + 100)).toBe(0);
    expect(throttle.recordBadKey('203.0.113.7', t0 + 1_000)).toBe(60);
    expect(throttle.retryAfter('203.0.113.7', t0 + 30_500)).toBe(31);
    expect(throttle.retryAfter('198.51.100.1', t0 + 30_500)).toBe(0);
    expect(throttle.retryAfter('203.0.113.7', t0 + 61_000)).toBe(0);
    // A bad key while throttled escalates: the ban restarts at twice the length.
    expect(throttle.recordBadKey('203.0.113.7', t0 + 2_000)).toBe(120);
  });

  it('forgets bad keys that left the window', () => {
    const throttle = new BadKeyThrottle();
    for (let i = 0; i < BAD_KEY_LIMIT - 1; i++) throttle.recordBadKey('2001:db8::1', t0 + i);
    expect(throttle.recordBadKey('2001:db8::1', t0 + 120_000)).toBe(0);
  });
});
