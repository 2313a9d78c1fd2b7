import { attemptFactory, MIN, runBatches, spread, T0, type AttemptSpec } from '../test/attempts.factory.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decide } from './decide.js';
import { policyFromData } from './policy-loader.js';
import { banStatus } from './status.js';

/**
 * DESIGN §7's table, written out again here from the document (not read from the code), with a
 * way to make the i-th attempt that counts toward each rule and toward no other rule's threshold.
 */
const TABLE = [
  { rule: 'account-ip-failures', n: 5, w: 2 * MIN, ban: 2 * MIN, visible: false, subject: 'account-ip:alice|203.0.113.7',
    make: (i: number): AttemptSpec => ({ account: i % 2 ? 'Alice' : ' alice ', ip: '203.0.113.7', fp: `pw-${i}` }) },
  { rule: 'identical-credential', n: 5, w: 2 * MIN, ban: 2 * MIN, visible: true, subject: 'account-credential:alice|fp-same',
    make: (): AttemptSpec => ({ account: 'alice', fp: 'fp-same' }) },
  { rule: 'ip-total', n: 300, w: 5 * MIN, ban: 5 * MIN, visible: true, subject: 'ip:198.51.100.9',
    make: (i: number): AttemptSpec => ({ ip: '198.51.100.9', outcome: 'success', account: i % 3 ? `u${i}` : null }) },
  { rule: 'ip-failures', n: 20, w: 10 * MIN, ban: 10 * MIN, visible: false, subject: 'ip:198.51.100.9',
    make: (): AttemptSpec => ({ ip: '198.51.100.9' }) },
  { rule: 'ip-distinct-accounts', n: 10, w: 10 * MIN, ban: 30 * MIN, visible: false, subject: 'ip:2001:db8::5',
    make: (i: number): AttemptSpec => ({ ip: '2001:DB8:0:0::5', account: `user${i}` }) },
  { rule: 'account-failures', n: 20, w: 15 * MIN, ban: 15 * MIN, visible: false, subject: 'account:bob',
    make: (i: number): AttemptSpec => ({ account: ['Bob', ' bob', 'BOB '][i % 3]!, ip: `10.${i}.0.1` }) },
  { rule: 'range-failures', n: 100, w: 10 * MIN, ban: 10 * MIN, visible: false, subject: 'range:192.0.2.0/24',
    make: (i: number): AttemptSpec => ({ ip: `192.0.2.${i + 1}` }) },
];

const CASES = [
  { name: 'N − 1 attempts within W: no ban', count: (n: number) => n - 1, span: (w: number) => w / 2, bans: false },
  { name: 'N attempts within W: the N-th triggers', count: (n: number) => n, span: (w: number) => w / 2, bans: true },
  { name: 'first and N-th exactly W apart: triggers (inclusive)', count: (n: number) => n, span: (w: number) => w, bans: true },
  { name: 'first and N-th W + 1 ms apart: no ban', count: (n: number) => n, span: (w: number) => w + 1, bans: false },
];

describe.each(TABLE)('rule $rule ($n in $w ms)', (row) => {
  it.each(CASES)('$name', ({ count, span, bans }) => {
    const attempt = attemptFactory(row.rule);
    const times = spread(count(row.n), T0, T0 + span(row.w));
    const attempts = times.map((at, i) => attempt({ ...row.make(i), at }));
    const { verdicts, decisions, state } = decide({}, attempts, DEFAULT_POLICY);

    const last = verdicts[verdicts.length - 1]!;
    expect(verdicts.slice(0, -1).every((verdict) => !verdict.banned && verdict.gatewayStatus === null)).toBe(true);
    if (!bans) {
      expect(decisions).toEqual([]);
      expect(last).toMatchObject({ banned: false, trigger: false, gatewayStatus: null, retryAfter: 0, until: null });
      return;
    }
    const lastAt = times[times.length - 1]!;
    expect(decisions).toEqual([
      expect.objectContaining({ type: 'ban_imposed', subject: row.subject, rule: row.rule, level: 1, visible: row.visible,
        attemptId: attempts[attempts.length - 1]!.id, until: lastAt + row.ban }),
    ]);
    // The triggering attempt answers 429 with Retry-After whatever the rule's visibility.
    expect(last).toMatchObject({ banned: true, trigger: true, gatewayStatus: 429, retryAfter: row.ban / 1000 });
    expect(last.bans).toEqual([expect.objectContaining({ subject: row.subject, rule: row.rule, visible: row.visible })]);
    // While the ban lasts, the gateway answers 429 for a visible ban and 401 for an invisible one.
    const ban = state.get(row.subject)!.ban!;
    const during = banStatus([{ subject: row.subject, ...ban }], lastAt + 1_000);
    expect(during.gatewayStatus).toBe(row.visible ? 429 : 401);
    expect(banStatus([{ subject: row.subject, ...ban }], lastAt + row.ban).banned).toBe(false);
  });
});

describe('what each rule counts', () => {
  it('failures in a row: a success between them resets the row', () => {
    const attempt = attemptFactory();
    const alice = { account: 'alice', ip: '203.0.113.7' };
    const row = (from: number, n: number) => spread(n, T0 + from, T0 + from + 10_000).map((at, i) => attempt({ ...alice, at, fp: `x${from}-${i}` }));
    const reset = [...row(0, 4), attempt({ ...alice, at: T0 + 20_000, outcome: 'success' }), ...row(30_000, 4)];
    expect(decide({}, reset, DEFAULT_POLICY).decisions).toEqual([]);
    const fifth = attempt({ ...alice, at: T0 + 50_000, fp: 'x-fifth' });
    expect(decide({}, [...reset, fifth], DEFAULT_POLICY).decisions).toEqual([
      expect.objectContaining({ subject: 'account-ip:alice|203.0.113.7', rule: 'account-ip-failures' }),
    ]);
  });

  it('failures in a row: a success with no failure before it keeps no state for the row', () => {
    const attempt = attemptFactory();
    const success = attempt({ account: 'alice', ip: '203.0.113.7', at: T0, outcome: 'success' });
    const { state } = decide({}, [success], DEFAULT_POLICY);
    // ip-total counts it, range-failures tallies it against failures (typos); nothing else changes.
    expect([...state.keys()]).toEqual(['ip:203.0.113.7', 'range:203.0.113.0/24']);
    const afterFailure = decide({}, [{ ...success, id: 'f', outcome: 'failure', occurredAt: T0 - 1_000, receivedAt: T0 - 1_000 }, success], DEFAULT_POLICY);
    expect(afterFailure.state.get('account-ip:alice|203.0.113.7')?.rules?.['account-ip-failures']).toMatchObject({ t: [], reset: T0 });
  });

  it('failures: successes of the same IP do not count toward ip-failures', () => {
    const attempt = attemptFactory();
    const attempts = spread(38, T0, T0 + 5 * MIN).map((at, i) => attempt({ at, ip: '198.51.100.1', outcome: i % 2 ? 'success' : 'failure' }));
    expect(decide({}, attempts, DEFAULT_POLICY).decisions).toEqual([]);
  });

  it('distinct accounts: the same account failing again is one account', () => {
    const attempt = attemptFactory();
    const ip = '198.51.100.2';
    const nine = spread(18, T0, T0 + 5 * MIN).map((at, i) => attempt({ at, ip, account: `user${i % 9}`, fp: `p${i}` }));
    const { decisions } = runBatches(DEFAULT_POLICY, [nine]);
    expect(decisions).toEqual([]);
    const tenth = attempt({ at: T0 + 6 * MIN, ip, account: 'USER9' });
    const { decisions: after } = runBatches(DEFAULT_POLICY, [nine, [tenth]]);
    expect(after).toEqual([expect.objectContaining({ subject: `ip:${ip}`, rule: 'ip-distinct-accounts' })]);
  });

  it('a rule set of one failures rule on ip (Warden protecting its own API keys)', () => {
    const result = policyWithOneRule();
    const attempt = attemptFactory();
    const attempts = spread(10, T0, T0 + 30_000).map((at) => attempt({ at, ip: '::ffff:198.51.100.3' }));
    const { verdicts, decisions } = decide({}, attempts, result);
    expect(decisions).toEqual([expect.objectContaining({ subject: 'ip:198.51.100.3', rule: 'api-key-failures', visible: true })]);
    expect(verdicts.map((verdict) => verdict.trigger)).toEqual([...Array(9).fill(false), true]);
  });
});

function policyWithOneRule() {
  const result = policyFromData({
    rules: { 'api-key-failures': { counts: 'failures', subject: 'ip', threshold: 10, window: '1m', ban: '15m', visible: true } },
  }, { defaultRules: false });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
}
