import fc from 'fast-check';
import { attemptFactory, MIN, runBatches, SEC, spread, T0 } from '../test/attempts.factory.js';
import type { PolicyAttempt } from './attempt.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { DEFAULT_POLICY_DOCUMENT } from './default-policy.document.js';
import { decide } from './decide.js';
import { policyFromData } from './policy-loader.js';
import type { Policy } from './policy.types.js';

/** DESIGN §7 "Typos are forgiven", rule by rule: the named default rule alone (the others off), changed by `fields`. */
function only(name: string, fields: Record<string, unknown> = {}, typos?: { window: string }): Policy {
  const rules = Object.fromEntries(Object.keys(DEFAULT_POLICY_DOCUMENT.rules).map((rule) => [rule, rule === name ? fields : { mode: 'off' }]));
  const result = policyFromData({ rules, ...(typos ? { typos } : {}) });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
}

/** The default policy as it was before typos were forgiven. */
const WITHOUT_FORGIVENESS = (() => {
  const rules = Object.fromEntries(Object.keys(DEFAULT_POLICY_DOCUMENT.rules).map((rule) => [rule, { forgiveTypos: false, failuresPerSuccess: 0 }]));
  const result = policyFromData({ rules });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
})();

const IP = '198.51.100.9';

/**
 * One failure of `typo` from IP at T0, then a success (`success` describes it), then failures of
 * other accounts from IP until the rule's threshold is reached counting the first: banned iff the
 * first failure still counts.
 */
function typoThenFailures(policy: Policy, threshold: number, success: { after: number; account?: string | null; ip?: string }) {
  const attempt = attemptFactory('typo');
  const first = attempt({ at: T0, account: 'typo', ip: IP });
  const ok = attempt({ at: T0 + success.after, account: success.account === undefined ? 'typo' : success.account, ip: success.ip ?? IP, outcome: 'success' });
  const others = spread(threshold - 1, T0 + 3 * MIN, T0 + 4 * MIN).map((at, i) => attempt({ at, account: `other${i}`, ip: otherAddress(policy, i) }));
  return decide({}, [first, ok, ...others], policy).decisions.map((decision) => decision.subject);
}

/** The ip rules count one address: the others fail from it too; the range rule: from the range's other addresses. */
function otherAddress(policy: Policy, i: number): string {
  return policy.ruleByName.has('range-failures') ? `198.51.100.${20 + (i % 200)}` : IP;
}

describe.each([
  ['ip-failures', 20, `ip:${IP}`],
  ['ip-distinct-accounts', 10, `ip:${IP}`],
  ['range-failures', 100, 'range:198.51.100.0/24'],
])('typos are forgiven: %s', (rule, threshold, subject) => {
  const policy = only(rule);

  it.each([
    ['a success of the same account from the same IP, at the same time', { after: 0 }, []],
    ['…1 s later', { after: SEC }, []],
    ['…exactly 2 min later (the window is inclusive)', { after: 2 * MIN }, []],
    ['…2 min and 1 ms later (too late)', { after: 2 * MIN + 1 }, [subject]],
    ['…1 ms before the failure (a success does not forgive what follows it)', { after: -1 }, [subject]],
    ['a success of another account from the same IP', { after: SEC, account: 'someone-else' }, [subject]],
    ['a success with no account', { after: SEC, account: null }, [subject]],
    ['a success of the same account from another IP', { after: SEC, ip: '203.0.113.1' }, [subject]],
  ])('%s → bans %j', (_, success, bans) => {
    expect(typoThenFailures(policy, threshold, success)).toEqual(bans);
  });

  it('the forgiveness window is the policy file\'s typos.window', () => {
    const short = only(rule, {}, { window: '30s' });
    expect(typoThenFailures(short, threshold, { after: 30 * SEC })).toEqual([]);
    expect(typoThenFailures(short, threshold, { after: 31 * SEC })).toEqual([subject]);
  });

  it('forgiveTypos: false counts the typo as before', () => {
    expect(typoThenFailures(only(rule, { forgiveTypos: false }), threshold, { after: SEC })).toEqual([subject]);
  });

  it('a ban already imposed stands: the success changes the counting from then on', () => {
    const attempt = attemptFactory('stands');
    const failures = spread(threshold, T0, T0 + MIN).map((at, i) => attempt({ at, account: i === threshold - 1 ? 'typo' : `u${i}`, ip: i === threshold - 1 ? IP : otherAddress(policy, i) }));
    const ok = attempt({ at: T0 + MIN + SEC, account: 'typo', ip: IP, outcome: 'success' });
    const { decisions, verdicts } = decide({}, [...failures, ok], policy);
    expect(decisions.map((decision) => decision.subject)).toEqual([subject]);
    expect(verdicts[verdicts.length - 1]!.banned).toBe(true);
  });
});

describe('typos are not forgiven where the rule is about the account', () => {
  it.each(['account-failures', 'account-ip-failures'])('%s: a success from one IP does not forgive the account\'s failures from others', (rule) => {
    const attempt = attemptFactory(`acct-${rule}`);
    const threshold = rule === 'account-failures' ? 20 : 5;
    const failures = spread(threshold, T0, T0 + MIN).map((at, i) => attempt({ at, account: 'ann', ip: rule === 'account-failures' ? `203.0.113.${i}` : IP, fp: `g${i}` }));
    const ok = attempt({ at: T0 + 2 * SEC, account: 'ann', ip: '203.0.113.250', outcome: 'success' });
    const [head, ...tail] = failures;
    expect(decide({}, [head!, ok, ...tail], only(rule)).decisions.map((decision) => decision.rule)).toEqual([rule]);
  });
});

describe('range-failures triggers only while the range\'s failures in the window outnumber its successes', () => {
  const range = 'range:198.51.100.0/24';
  /** `successes` successes in the minute before, then `failures` failures within one minute, all in one /24 (each on its own account and address). */
  function run(policy: Policy, successes: number, failures: number, successesAt = T0 - MIN) {
    const attempt = attemptFactory('ratio');
    const ok = spread(successes, successesAt, successesAt + 50 * SEC).map((at, i) => attempt({ at, account: `s${i}`, ip: `198.51.100.${i % 250}`, outcome: 'success' }));
    const bad = spread(failures, T0, T0 + 50 * SEC).map((at, i) => attempt({ at, account: `f${i}`, ip: `198.51.100.${i % 250}` }));
    const { decisions } = decide({}, [...ok, ...bad], policy);
    const attemptIndex = bad.findIndex((a) => a.id === decisions[0]?.attemptId);
    return { subjects: decisions.map((decision) => decision.subject), nth: attemptIndex < 0 ? null : attemptIndex + 1 };
  }
  const policy = only('range-failures');

  it.each([
    [0, 100, 100],
    [99, 100, 100],
    [100, 100, null],
    [100, 101, 101],
    [150, 150, null],
    [150, 151, 151],
  ])('%i successes, then %i failures → banned at failure %j', (successes, failures, nth) => {
    expect(run(policy, successes, failures)).toEqual({ subjects: nth === null ? [] : [range], nth });
  });

  it('successes that left the window count no more (the window in tenths: here 1-minute buckets)', () => {
    expect(run(policy, 200, 100, T0 - 10 * MIN).nth).toBe(100);
    expect(run(policy, 200, 100, T0 - 9 * MIN).nth).toBeNull();
  });

  it.each([
    [2, 50, null],
    [2, 49, 100],
    [0, 1000, 100],
    [0.5, 199, 100],
    [0.5, 200, null],
  ])('failuresPerSuccess %d with %i successes → banned at failure %j of 100', (ratio, successes, nth) => {
    expect(run(only('range-failures', { failuresPerSuccess: ratio }), successes, 100).nth).toBe(nth);
  });
});

/** Random traffic on a few addresses of two ranges, some dated a little early. */
const trafficArb = (outcome: fc.Arbitrary<'success' | 'failure'>) =>
  fc
    .array(
      fc.record({
        gap: fc.integer({ min: 0, max: 20 * SEC }),
        skew: fc.oneof(fc.constant(0), fc.integer({ min: -4 * MIN, max: 0 })),
        outcome,
        ip: fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.4', '2001:db8::1', '2001:db8::2'),
        account: fc.constantFrom(null, 'alice', 'bob', 'carol', 'dave', 'erin', 'frank'),
      }),
      { minLength: 1, maxLength: 150 },
    )
    .map((specs) => {
      let receivedAt = T0;
      return specs.map((spec, i): PolicyAttempt => ({
        id: `t-${i}`,
        receivedAt: (receivedAt += spec.gap),
        occurredAt: receivedAt + spec.skew,
        outcome: spec.outcome,
        ip: spec.ip,
        account: spec.account,
        credentialFingerprint: `fp-${i % 4}`,
      }));
    });

/** Small thresholds so that random traffic reaches them. */
function tight(base: Record<string, unknown>): Policy {
  const result = policyFromData({
    rules: {
      'account-ip-failures': { threshold: 3, ...base },
      'ip-failures': { threshold: 6, ...base },
      'ip-distinct-accounts': { threshold: 3, ...base },
      'account-failures': { threshold: 5, ...base },
      'range-failures': { threshold: 8, ...base },
    },
  });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
}

describe('typo forgiveness: properties', () => {
  const comparable = (policy: Policy, attempts: PolicyAttempt[]) => {
    const { decisions, verdicts } = runBatches(policy, [attempts]);
    return { decisions: decisions.map(({ policyVersion: _, ...decision }) => decision), verdicts };
  };

  it('where nobody succeeds, the bans and verdicts are those of the policy without forgiveness, attempt for attempt', () => {
    const pairs: Array<[Policy, Policy]> = [
      [DEFAULT_POLICY, WITHOUT_FORGIVENESS],
      [tight({}), tight({ forgiveTypos: false, failuresPerSuccess: 0 })],
    ];
    fc.assert(
      fc.property(trafficArb(fc.constant('failure')), fc.constantFrom(...pairs), (attempts, [forgiving, old]) => {
        expect(comparable(forgiving, attempts)).toEqual(comparable(old, attempts));
      }),
    );
  });

  it('a network where each failure comes with a success is never range-banned', () => {
    fc.assert(
      fc.property(trafficArb(fc.constantFrom('success', 'failure')), fc.constantFrom(DEFAULT_POLICY, tight({})), (attempts, policy) => {
        // Each failure is preceded by a success at the same event time from the same network.
        const paired = attempts.flatMap((a) => (a.outcome === 'failure' ? [{ ...a, id: `${a.id}-ok`, outcome: 'success' as const, account: 'someone' }, a] : [a]));
        const { decisions } = runBatches(policy, [paired]);
        expect(decisions.filter((decision) => decision.scope === 'range')).toEqual([]);
      }),
    );
  });

  it('replay: cutting the traffic into batches changes nothing', () => {
    fc.assert(
      fc.property(trafficArb(fc.constantFrom('success', 'failure')), fc.nat(), (attempts, cut) => {
        const policy = tight({});
        const at = cut % (attempts.length + 1);
        expect(runBatches(policy, [attempts.slice(0, at), attempts.slice(at)])).toEqual(runBatches(policy, [attempts]));
      }),
    );
  });
});
