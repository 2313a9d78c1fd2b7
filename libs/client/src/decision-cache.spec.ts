import { checkSubjects, DEFAULT_POLICY, extendAllowlist } from '#warden/ban-policy';
import type { DecisionStreamEvent } from '#warden/contracts';
import { backoffDelay } from './backoff.js';
import { DecisionCache } from './decision-cache.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const decision = (subject: string, seconds: number, visible: boolean, state: DecisionStreamEvent['state'] = 'active'): DecisionStreamEvent => ({
  subject,
  scope: subject.slice(0, subject.indexOf(':')),
  state,
  rule: visible ? 'ip-total' : 'ip-failures',
  level: 1,
  until: new Date(now + seconds * 1_000).toISOString(),
  visible,
});

describe('DecisionCache', () => {
  const policy = extendAllowlist(DEFAULT_POLICY, ['192.0.2.0/24']);
  const cache = new DecisionCache();
  for (const each of [
    decision('ip:203.0.113.7', 60, false),
    decision('account-ip:alice|198.51.100.4', 120, true),
    decision('account:alice', 30, false),
    decision('range:192.0.2.0/24', 600, false),
    decision('range:198.51.100.0/24', 5, false),
  ]) {
    cache.apply(each);
  }
  const answer = (ip: string, account?: string, at = now) => cache.answer(checkSubjects({ ip, account }, policy), at);

  it('answers with the policy library: longest ban for Retry-After, 429 if any ban is visible', () => {
    expect(answer('198.51.100.4', ' Alice ')).toMatchObject({ gatewayStatus: 429, retryAfter: 120 });
    expect(answer('203.0.113.7')).toMatchObject({ gatewayStatus: 401, retryAfter: 60 });
    expect(answer('203.0.113.8').allowed).toBe(true);
  });

  it('never blocks an allowlisted address, even inside a banned range', () => {
    expect(answer('192.0.2.10').allowed).toBe(true);
  });

  it('drops a ban at its until, and frees it on sweep', () => {
    expect(answer('198.51.100.9')).toMatchObject({ gatewayStatus: 401, retryAfter: 5 });
    expect(answer('198.51.100.9', undefined, now + 5_000).allowed).toBe(true);
    expect(cache.sweep(now + 5_000)).toBe(1);
    expect(cache.size).toBe(4);
  });

  it('enforces a range ban of any length, as /v1/check does, until it is lifted', () => {
    const ranges = new DecisionCache();
    ranges.apply(decision('range:10.0.0.0/8', 600, true));
    ranges.apply(decision('range:2001:db8:1::/48', 600, false));
    const check = (ip: string) => ranges.answer(checkSubjects({ ip }, policy, ranges.rangePrefixes()), now);
    expect(check('10.1.2.3')).toMatchObject({ gatewayStatus: 429 });
    expect(check('2001:db8:1:2::3')).toMatchObject({ gatewayStatus: 401 });
    expect(check('11.1.2.3').allowed).toBe(true);
    ranges.apply(decision('range:10.0.0.0/8', 600, true, 'lifted'));
    expect(check('10.1.2.3').allowed).toBe(true);
    expect(ranges.rangePrefixes()).toEqual({ ipv4: [], ipv6: [48] });
  });

  it('forgets a lifted or expired subject', () => {
    cache.apply(decision('account:alice', 30, false, 'lifted'));
    cache.apply(decision('ip:203.0.113.7', 60, false, 'expired'));
    expect(answer('203.0.113.7', 'alice').allowed).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles up to the bound, with full jitter', () => {
    const options = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});
