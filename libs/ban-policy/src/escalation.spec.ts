import { HOUR, MIN } from '../test/attempts.factory.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { banDuration, isActive, nextLevel } from './escalation.js';
import type { BanRecord } from './state.js';

const rule = (name: string) => DEFAULT_POLICY.ruleByName.get(name)!;
const ban = (level: number, until: number): BanRecord => ({ rule: 'ip-failures', level, since: until - MIN, until, visible: false, attemptId: 'x', policy: 'v' });

describe('banDuration', () => {
  it.each([
    ['account-ip-failures', 1, 2 * MIN],
    ['account-ip-failures', 2, 4 * MIN],
    ['account-ip-failures', 3, 8 * MIN],
    ['account-ip-failures', 10, 1024 * MIN],
    ['account-ip-failures', 11, 24 * HOUR],
    ['account-ip-failures', 5000, 24 * HOUR],
    ['ip-distinct-accounts', 1, 30 * MIN],
    ['ip-distinct-accounts', 6, 16 * HOUR],
    ['ip-distinct-accounts', 7, 24 * HOUR],
    ['ip-total', 1, 5 * MIN],
    ['ip-total', 9, 5 * MIN],
  ])('%s at level %d lasts %d ms', (name, level, expected) => {
    expect(banDuration(rule(name), level, DEFAULT_POLICY)).toBe(expected);
  });
});

describe('nextLevel', () => {
  const end = 1_000_000_000;
  it.each([
    ['no previous ban', undefined, end, 1],
    ['previous ban still active', ban(3, end), end - 1, 4],
    ['previous ban ended 23 h 59 min ago', ban(3, end), end + 24 * HOUR - MIN, 4],
    ['previous ban ended exactly 24 h ago', ban(3, end), end + 24 * HOUR, 1],
    ['previous ban ended 2 days ago', ban(7, end), end + 48 * HOUR, 1],
  ])('%s', (_, previous, at, expected) => {
    expect(nextLevel(previous, at, DEFAULT_POLICY)).toBe(expected);
  });
});

describe('isActive', () => {
  it('is in force until its end, exclusive', () => {
    expect(isActive(ban(1, 100), 99)).toBe(true);
    expect(isActive(ban(1, 100), 100)).toBe(false);
    expect(isActive(undefined, 0)).toBe(false);
  });
});
