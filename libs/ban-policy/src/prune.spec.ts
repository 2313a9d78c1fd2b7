import { attemptFactory, HOUR, MIN, T0 } from '../test/attempts.factory.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decide } from './decide.js';
import { isPrunable, prunableAfter } from './prune.js';

describe('pruning', () => {
  const attempt = attemptFactory('prune');

  it('an empty state can go at once', () => {
    expect(prunableAfter({}, DEFAULT_POLICY)).toBe(-Infinity);
  });

  it('a counter is kept until its window and the 5-minute lateness have passed', () => {
    const { state } = decide({}, [attempt({ at: T0, ip: '198.51.100.5', outcome: 'success' })], DEFAULT_POLICY);
    const ip = state.get('ip:198.51.100.5')!;
    // ip-total: 5-minute window + 5 minutes for late attempts.
    expect(isPrunable(ip, DEFAULT_POLICY, T0 + 10 * MIN - 1)).toBe(false);
    expect(isPrunable(ip, DEFAULT_POLICY, T0 + 10 * MIN)).toBe(true);
  });

  it('a banned subject is kept until its level is forgotten, 24 h after the ban ends', () => {
    const five = Array.from({ length: 5 }, (_, i) => attempt({ at: T0 + i, account: 'zoe', fp: `p${i}` }));
    const { state } = decide({}, five, DEFAULT_POLICY);
    const subject = state.get('account-ip:zoe|203.0.113.7')!;
    const banEnd = T0 + 4 + 2 * MIN;
    expect(subject.ban?.until).toBe(banEnd);
    expect(isPrunable(subject, DEFAULT_POLICY, banEnd + 24 * HOUR)).toBe(false);
    expect(isPrunable(subject, DEFAULT_POLICY, banEnd + 24 * HOUR + 5 * MIN)).toBe(true);
  });

  it('an account is kept while it remembers failed fingerprints', () => {
    const { state } = decide({}, [attempt({ at: T0, account: 'yan', fp: 'old' })], DEFAULT_POLICY);
    const account = state.get('account:yan')!;
    expect(account.secrets?.fps).toEqual(['old']);
    expect(prunableAfter(account, DEFAULT_POLICY)).toBe(T0 + 24 * HOUR + 5 * MIN);
  });
});
