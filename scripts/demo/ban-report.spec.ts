import type { VerdictRecord } from '#warden/contracts';
import { banReport, verdictSummary } from './ban-report.js';
import type { Scenario } from './demo-traffic.js';

const scenario = (name: string, rule: string): Scenario => ({ name, attempts: [], expected: { rule, probe: { ip: '203.0.113.1' } } });
const ban = (subject: string, rule: string, level: number, retryAfter: number, visible: boolean) => ({
  subject, scope: subject.slice(0, subject.indexOf(':')), rule, level, retryAfter, visible, until: '2026-11-23T22:00:00.000Z',
});

describe('the demo report', () => {
  it('lines up one row per ban under its attack, and names the attack that got no ban', () => {
    const lines = banReport(
      [
        {
          scenario: scenario('brute force on one account', 'account-ip-failures'),
          status: { banned: true, retryAfter: 1893, bans: [ban('account-ip:olivia|203.0.113.66', 'account-ip-failures', 5, 1893, false)] },
        },
        {
          scenario: scenario('IPv6 /64 sweep', 'range-failures'),
          status: { banned: true, retryAfter: 600, bans: [ban('range:2001:db8:bad:5eed::/64', 'range-failures', 1, 600, false)] },
        },
        { scenario: scenario('credential stuffing from one IP', 'ip-distinct-accounts'), status: null },
      ],
      30_000,
    );
    expect(lines).toEqual([
      '  brute force on one account',
      '    account-ip:olivia|203.0.113.66  account-ip-failures  level 5  invisible (401)  Retry-After 1893 s (31 min 33 s)',
      '  IPv6 /64 sweep',
      '    range:2001:db8:bad:5eed::/64    range-failures       level 1  invisible (401)  Retry-After 600 s (10 min)',
      '  credential stuffing from one IP',
      '    no ip-distinct-accounts ban within 30 s',
    ]);
  });

  it('counts how Warden told the gateway to answer', () => {
    const verdict = (gatewayStatus: VerdictRecord['gatewayStatus']) => ({ gatewayStatus }) as VerdictRecord;
    expect(verdictSummary([verdict(null), verdict(null), verdict(429), verdict(401), verdict(401)])).toBe(
      'Verdicts: 2 attempts answered as usual, 1 with 429 + Retry-After, 2 with 401 (an invisible ban: the attacker cannot tell)',
    );
  });
});
