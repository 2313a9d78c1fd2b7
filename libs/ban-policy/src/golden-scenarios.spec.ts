import { attemptFactory, HOUR, MIN, SEC, spread, T0 } from '../test/attempts.factory.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decide } from './decide.js';
import { banStatus } from './status.js';
import { checkSubjects } from './subjects.js';
import type { PolicyState } from './state.js';

/** The status a gateway's check of these values gets from a state, as the gateway API computes it. */
function checkStatus(state: PolicyState, query: { ip: string; account?: string; credentialFingerprint?: string }, at: number) {
  const bans = checkSubjects(query, DEFAULT_POLICY).map((subject) => {
    const ban = state.get(subject)?.ban;
    return ban === undefined ? undefined : { subject, ...ban };
  });
  return banStatus(bans, at);
}

describe('Realpad: 429 on the trigger, then 401 while banned, escalating with each failed attempt', () => {
  const attempt = attemptFactory('realpad');
  const carol = { account: 'carol', ip: '198.51.100.20' };
  const five = spread(5, T0, T0 + 60 * SEC).map((at, i) => attempt({ ...carol, at, fp: `guess-${i}` }));
  // Then one failed attempt every 90 s for 72 minutes, each made while the ban still lasts.
  const further = Array.from({ length: 48 }, (_, i) => attempt({ ...carol, at: T0 + 60 * SEC + (i + 1) * 90 * SEC, fp: `more-${i}` }));
  const { verdicts, decisions } = decide({}, [...five, ...further], DEFAULT_POLICY);

  it('answers nothing special before the threshold, 429 with Retry-After on the 5th failure', () => {
    expect(verdicts.slice(0, 4).map((verdict) => verdict.gatewayStatus)).toEqual([null, null, null, null]);
    expect(verdicts[4]).toMatchObject({ trigger: true, gatewayStatus: 429, retryAfter: 120, banned: true });
  });

  it('answers 401 to every further attempt while the invisible ban lasts', () => {
    for (const verdict of verdicts.slice(5)) {
      expect(verdict).toMatchObject({ banned: true, trigger: true, gatewayStatus: 401 });
    }
  });

  it('doubles the ban from each further attempt, level by level, never beyond 24 h', () => {
    const accountIp = decisions.filter((decision) => decision.subject === 'account-ip:carol|198.51.100.20');
    expect(accountIp.map((decision) => decision.level)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    const minutes = accountIp.map((decision) => (decision.until - decision.since) / MIN);
    expect(minutes.slice(0, 12)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1440, 1440]);
    expect(Math.max(...minutes)).toBe(24 * 60);
    expect(Math.max(...verdicts.map((verdict) => verdict.retryAfter))).toBe(24 * 60 * 60);
    // Each escalation restarts the ban from the attempt that caused it.
    expect(accountIp.slice(1).map((decision) => decision.since)).toEqual(further.map((a) => a.occurredAt));
  });

  it('a success while banned neither escalates nor lifts the ban', () => {
    const { state } = decide({}, five, DEFAULT_POLICY);
    const success = attempt({ ...carol, at: T0 + 90 * SEC, outcome: 'success' });
    const result = decide(state, [success], DEFAULT_POLICY);
    expect(result.decisions).toEqual([]);
    expect(result.verdicts[0]).toMatchObject({ banned: true, trigger: false, gatewayStatus: 401 });
  });

  it('starts again at level 1 once 24 h have passed with no ban', () => {
    const { state } = decide({}, five, DEFAULT_POLICY);
    const banEnds = T0 + 60 * SEC + 2 * MIN;
    const again = (start: number) => spread(5, start, start + 30 * SEC).map((at, i) => attempt({ ...carol, at, fp: `later-${start}-${i}` }));
    expect(decide(state, again(banEnds + 23 * HOUR), DEFAULT_POLICY).decisions[0]).toMatchObject({ level: 2 });
    expect(decide(state, again(banEnds + 24 * HOUR), DEFAULT_POLICY).decisions[0]).toMatchObject({ level: 1 });
  });
});

describe('Creditsafe: identical invalid attempts are throttled; too many attempts lock out for 5 minutes', () => {
  it('5 identical invalid attempts within 2 minutes → throttled (visible, 429)', () => {
    const attempt = attemptFactory('cs');
    const same = spread(5, T0, T0 + 2 * MIN).map((at) => attempt({ at, account: 'dave', fp: 'wrong-1', ip: '198.51.100.30' }));
    const { verdicts, state } = decide({}, same, DEFAULT_POLICY);
    expect(verdicts[4]).toMatchObject({ trigger: true, gatewayStatus: 429, retryAfter: 120 });
    expect(verdicts[4]!.bans).toEqual([expect.objectContaining({ subject: 'account-credential:dave|wrong-1', visible: true })]);
    // The throttle is on that credential: the same account with another secret may still try.
    const ip = '198.51.100.30';
    expect(checkStatus(state, { ip, account: 'dave', credentialFingerprint: 'wrong-1' }, T0 + 3 * MIN).gatewayStatus).toBe(429);
    expect(checkStatus(state, { ip, account: 'dave', credentialFingerprint: 'right' }, T0 + 3 * MIN).banned).toBe(false);
  });

  it('300 attempts within 5 minutes → a 5-minute lockout that attempts during it do not extend', () => {
    const attempt = attemptFactory('cs-total');
    const ip = '198.51.100.31';
    const burst = spread(300, T0, T0 + 4 * MIN).map((at) => attempt({ at, ip, outcome: 'success' }));
    const during = spread(50, T0 + 4 * MIN + 1, T0 + 9 * MIN - 1).map((at) => attempt({ at, ip, outcome: 'success' }));
    const after = attempt({ at: T0 + 9 * MIN, ip, outcome: 'success' });
    const { verdicts, decisions } = decide({}, [...burst, ...during, after], DEFAULT_POLICY);
    expect(decisions).toEqual([
      expect.objectContaining({ subject: `ip:${ip}`, rule: 'ip-total', until: T0 + 9 * MIN }),
    ]);
    expect(verdicts[299]).toMatchObject({ trigger: true, gatewayStatus: 429, retryAfter: 300 });
    expect(verdicts.slice(300, 350).every((verdict) => verdict.gatewayStatus === 429 && !verdict.trigger)).toBe(true);
    expect(verdicts[350]).toMatchObject({ banned: false, gatewayStatus: null });
  });
});

describe('Entra: the same wrong password retried does not lock the owner out', () => {
  const ip = '198.51.100.40';

  it('a device retrying one stale password in bursts is throttled on that password only', () => {
    const attempt = attemptFactory('entra');
    // Three bursts of 5 retries, 4 minutes apart: 15 failures in 10 minutes, under ip-failures' 20.
    const retries = [0, 4 * MIN, 8 * MIN].flatMap((start) =>
      spread(5, T0 + start, T0 + start + 30 * SEC).map((at) => attempt({ at, ip, account: 'Erin', fp: 'stale' })),
    );
    const { state, decisions } = decide({}, retries, DEFAULT_POLICY);
    expect(new Set(decisions.map((decision) => decision.subject))).toEqual(new Set(['account-credential:erin|stale']));
    const owner = checkStatus(state, { ip, account: 'erin', credentialFingerprint: 'current-password' }, T0 + 10 * MIN);
    expect(owner).toMatchObject({ banned: false, gatewayStatus: null });
  });

  it('five different wrong passwords from one place still lock that account on that IP', () => {
    const attempt = attemptFactory('entra-b');
    const guesses = spread(5, T0, T0 + MIN).map((at, i) => attempt({ at, ip, account: 'erin', fp: `guess-${i}` }));
    expect(decide({}, guesses, DEFAULT_POLICY).decisions).toEqual([
      expect.objectContaining({ subject: `account-ip:erin|${ip}`, rule: 'account-ip-failures' }),
    ]);
  });

  it('only the last 3 fingerprints are remembered: a 4th-oldest one counts again', () => {
    const attempt = attemptFactory('entra-c');
    const fps = ['p1', 'p2', 'p3', 'p4', 'p1'];
    const attempts = fps.map((fp, i) => attempt({ at: T0 + i * 10 * SEC, ip, account: 'erin', fp }));
    expect(decide({}, attempts, DEFAULT_POLICY).decisions).toEqual([
      expect.objectContaining({ subject: `account-ip:erin|${ip}` }),
    ]);
    const repeated = ['p1', 'p2', 'p3', 'p1', 'p2'].map((fp, i) => attempt({ at: T0 + i * 10 * SEC, ip, account: 'erin', fp }));
    expect(decide({}, repeated, DEFAULT_POLICY).decisions).toEqual([]);
  });
});
