import { ConcurrencyLimiter } from './concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
  it('lets each key have perKey requests in flight per family, and takes one back when it ends', () => {
    const limiter = new ConcurrencyLimiter(1);
    const first = limiter.acquire('audit-verify', 'soc', 0);
    expect(first).toMatchObject({ ok: true, remaining: 0 });
    expect(limiter.acquire('audit-verify', 'soc', 10)).toEqual({ ok: false, retryAfter: 1 });
    expect(limiter.acquire('audit-verify', 'ci', 10).ok).toBe(true);
    expect(limiter.acquire('stats', 'soc', 10).ok).toBe(true);
    if (first.ok) first.release(30_000);
    expect(limiter.acquire('audit-verify', 'soc', 30_001).ok).toBe(true);
  });

  it('estimates the wait from the family\'s last duration, less what the running request has taken', () => {
    const limiter = new ConcurrencyLimiter(1);
    const warmUp = limiter.acquire('audit-verify', 'soc', 0);
    if (warmUp.ok) warmUp.release(40_000); // a verify took 40 s
    limiter.acquire('audit-verify', 'soc', 100_000);
    expect(limiter.acquire('audit-verify', 'soc', 110_000)).toEqual({ ok: false, retryAfter: 30 });
    expect(limiter.acquire('audit-verify', 'soc', 190_000)).toEqual({ ok: false, retryAfter: 1 });
  });

  it('releases a slot once, however often it is given back', () => {
    const limiter = new ConcurrencyLimiter(2);
    const a = limiter.acquire('stats', 'soc', 0);
    const b = limiter.acquire('stats', 'soc', 0);
    expect(b).toMatchObject({ ok: true, remaining: 0 });
    if (a.ok) {
      a.release(1);
      a.release(2);
    }
    expect(limiter.acquire('stats', 'soc', 3)).toMatchObject({ ok: true, remaining: 0 });
    expect(limiter.acquire('stats', 'soc', 3).ok).toBe(false);
  });
});
