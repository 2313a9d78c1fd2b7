import { attemptFactory, spread, T0 } from '../test/attempts.factory.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decide } from './decide.js';
import { extendAllowlist, policyFromData } from './policy-loader.js';

describe('allowlist', () => {
  const policy = extendAllowlist(DEFAULT_POLICY, ['192.0.2.0/25', 'svc-monitor']);

  it('an allowlisted address is never banned; an allowlist_hit incident says a rule would have', () => {
    const attempt = attemptFactory('allow');
    const attempts = spread(25, T0, T0 + 60_000).map((at) => attempt({ at, ip: '192.0.2.10' }));
    const { decisions, incidents, verdicts } = decide({}, attempts, policy);
    expect(decisions).toEqual([]);
    expect(verdicts.every((verdict) => !verdict.banned && verdict.gatewayStatus === null)).toBe(true);
    expect(incidents).toEqual([
      expect.objectContaining({ type: 'allowlist_hit', subject: 'ip:192.0.2.10', rule: 'ip-failures', simulated: false, severity: 'low' }),
    ]);
    expect(incidents[0]!.attemptIds).toEqual(attempts.slice(0, 20).map((a) => a.id));
  });

  it('an allowlisted account is never locked, though its attacker\'s address is', () => {
    const attempt = attemptFactory('allow-acct');
    const attempts = spread(5, T0, T0 + 60_000).map((at, i) => attempt({ at, ip: '198.51.100.50', account: 'SVC-Monitor', fp: `p${i}` }));
    const { decisions, incidents } = decide({}, attempts, policy);
    expect(decisions).toEqual([]);
    expect(incidents.map((incident) => [incident.type, incident.subject])).toEqual([['allowlist_hit', 'account-ip:svc-monitor|198.51.100.50']]);
  });

  it('a range ban does not block an allowlisted address inside it', () => {
    const attempt = attemptFactory('allow-range');
    const others = spread(100, T0, T0 + 60_000).map((at, i) => attempt({ at, ip: `192.0.2.${128 + (i % 100)}` }));
    const own = attempt({ at: T0 + 61_000, ip: '192.0.2.5', outcome: 'success' });
    const { decisions, verdicts } = decide({}, [...others, own], policy);
    expect(decisions).toEqual([expect.objectContaining({ subject: 'range:192.0.2.0/24' })]);
    expect(verdicts[verdicts.length - 1]).toMatchObject({ banned: false, gatewayStatus: null });
  });
});

describe('simulate mode', () => {
  it('records the ban it would impose, with simulated: true, and bans nobody', () => {
    const result = policyFromData({ rules: { 'ip-failures': { mode: 'simulate', threshold: 3 } } });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const attempt = attemptFactory('sim');
    const attempts = spread(3, T0, T0 + 1_000).map((at) => attempt({ at, ip: '198.51.100.60' }));
    const { decisions, incidents, verdicts, state } = decide({}, attempts, result.policy);
    expect(decisions).toEqual([]);
    expect(incidents).toEqual([
      expect.objectContaining({ type: 'ban_imposed', subject: 'ip:198.51.100.60', simulated: true, level: 1, until: T0 + 1_000 + 10 * 60_000 }),
    ]);
    expect(verdicts[2]).toMatchObject({ banned: false, trigger: false, gatewayStatus: null });
    expect(state.get('ip:198.51.100.60')?.ban).toBeUndefined();
  });
});

describe('incidents and decisions', () => {
  it('carry the policy version, the rule, the attempts and a deterministic id', () => {
    const attempt = attemptFactory('inc');
    const attempts = spread(5, T0, T0 + 10_000).map((at, i) => attempt({ at, account: 'ann', fp: `p${i}` }));
    const first = decide({}, attempts, DEFAULT_POLICY);
    const again = decide({}, attempts, DEFAULT_POLICY);
    expect(first.incidents).toEqual([
      expect.objectContaining({
        type: 'ban_imposed', subject: 'account-ip:ann|203.0.113.7', rule: 'account-ip-failures', level: 1, actor: 'policy',
        attemptIds: attempts.map((a) => a.id), policyVersion: DEFAULT_POLICY.version, at: T0 + 10_000, simulated: false,
      }),
    ]);
    expect(first.decisions[0]).toMatchObject({ policyVersion: DEFAULT_POLICY.version, attemptId: attempts[4]!.id });
    expect(again.incidents[0]!.id).toBe(first.incidents[0]!.id);
    const other = decide({}, attempts.map((a) => ({ ...a, id: `${a.id}-b` })), DEFAULT_POLICY);
    expect(other.incidents[0]!.id).not.toBe(first.incidents[0]!.id);
  });
});
