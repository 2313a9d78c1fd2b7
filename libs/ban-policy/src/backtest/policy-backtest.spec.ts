import { attemptFactory, MIN, SEC, spread, T0 } from '../../test/attempts.factory.js';
import type { PolicyAttempt } from '../attempt.js';
import { DEFAULT_POLICY } from '../default-policy.js';
import { policyFromData } from '../policy-loader.js';
import type { Policy } from '../policy.types.js';
import { runBacktest } from './run-backtest.js';

function compiled(data: unknown): Policy {
  const result = policyFromData(data);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
}

/** A recorded brute force on two accounts (8 guesses each, one address each), amid normal logins. */
function recordedTraffic(): PolicyAttempt[] {
  const attempt = attemptFactory('rec');
  const normal = spread(40, T0, T0 + 4 * MIN).map((at, i) => attempt({ at, account: `user${i}`, ip: `192.0.2.${i + 1}`, outcome: 'success' }));
  const brute = (account: string, ip: string, from: number) => spread(8, from, from + 40 * SEC).map((at, i) => attempt({ at, account, ip, fp: `${account}-${i}` }));
  return [...normal, ...brute('olivia', '203.0.113.66', T0 + MIN), ...brute('noah', '203.0.113.67', T0 + 2 * MIN)].sort((a, b) => a.occurredAt - b.occurredAt);
}

const inBatches = (attempts: readonly PolicyAttempt[], size: number) =>
  Array.from({ length: Math.ceil(attempts.length / size) }, (_, i) => attempts.slice(i * size, (i + 1) * size));

const clock = () => 0;

describe('backtest', () => {
  it('the default policy against itself: an empty difference', async () => {
    const { report } = await runBacktest(inBatches(recordedTraffic(), 10), DEFAULT_POLICY, DEFAULT_POLICY, { clock });
    expect(report.diff).toEqual({
      onlyCandidate: { count: 0, byRule: [] },
      onlyBaseline: { count: 0, byRule: [] },
      likelyFalsePositives: { count: 0, items: [] },
      attacksLetThrough: { count: 0, subjects: [] },
      answeredDifferently: { count: 0, byChange: {}, perMinute: [] },
      bansPerMinute: report.diff.bansPerMinute,
    });
    expect(report.diff.bansPerMinute.every((minute) => minute.baseline === minute.candidate)).toBe(true);
    expect(report.baseline).toEqual(report.candidate);
  });

  it('account-ip-failures at 3 instead of 5 on a recorded brute force: exactly the bans it adds', async () => {
    const candidate = compiled({ rules: { 'account-ip-failures': { threshold: 3 } } });
    const { report } = await runBacktest(inBatches(recordedTraffic(), 7), DEFAULT_POLICY, candidate, { clock });
    // Both policies ban the two account-ip subjects (at the 5th and the 3rd guess): same bans, found sooner.
    expect(report.diff.onlyCandidate).toEqual({ count: 0, byRule: [] });
    expect(report.diff.onlyBaseline).toEqual({ count: 0, byRule: [] });
    expect(report.baseline.bans.byRule).toEqual({ 'account-ip-failures': 2 });
    // The 3rd guess of each gets 429 (the candidate's trigger), the 4th 401, and the 5th, the baseline's trigger, 401 too.
    expect(report.diff.answeredDifferently).toMatchObject({ count: 6, byChange: { '429→401': 2, 'allow→401': 2, 'allow→429': 2 } });
    expect(report.candidate.bans.imposed).toBe(2);
    expect(report.candidate.bans.escalated - report.baseline.bans.escalated).toBe(4);
  });

  it('a candidate with a new rule: the bans only it makes, by rule and scope, with their subjects', async () => {
    const candidate = compiled({ rules: { 'ip-two-failures': { counts: 'failures', subject: 'ip', threshold: 2, window: '1m', ban: '1m' } } });
    const { report } = await runBacktest(inBatches(recordedTraffic(), 100), DEFAULT_POLICY, candidate, { clock, sample: 1 });
    expect(report.diff.onlyCandidate).toEqual({
      count: 2,
      byRule: [{ rule: 'ip-two-failures', scope: 'ip', count: 2, subjects: ['ip:203.0.113.66'] }],
    });
    expect(report.diff.attacksLetThrough.count).toBe(0);
  });

  it('names the attacks a laxer candidate lets through, and the likely false positives of a stricter one', async () => {
    const lax = compiled({ rules: { 'account-ip-failures': { mode: 'off' } } });
    const { report: laxReport } = await runBacktest([recordedTraffic()], DEFAULT_POLICY, lax, { clock });
    expect(laxReport.diff.attacksLetThrough).toEqual({
      count: 2,
      subjects: [
        { subject: 'account-ip:olivia|203.0.113.66', rule: 'account-ip-failures' },
        { subject: 'account-ip:noah|203.0.113.67', rule: 'account-ip-failures' },
      ],
    });
    const attempt = attemptFactory('fp');
    const typo = [attempt({ at: T0, account: 'ann', ip: '192.0.2.9' }), attempt({ at: T0 + SEC, account: 'ann', ip: '192.0.2.9' }), attempt({ at: T0 + 9 * SEC, account: 'ann', ip: '192.0.2.9', outcome: 'success' })];
    const strict = compiled({ rules: { 'account-ip-failures': { threshold: 2 } } });
    const { report } = await runBacktest([typo], DEFAULT_POLICY, strict, { clock });
    expect(report.diff.likelyFalsePositives).toEqual({
      count: 1,
      items: [{ subject: 'account-ip:ann|192.0.2.9', rule: 'account-ip-failures', reason: 'later-success', account: 'ann', ip: '192.0.2.9' }],
    });
  });

  it('is deterministic: the same attempts and policies give a byte-identical report, whatever the batches', async () => {
    const candidate = compiled({ rules: { 'account-ip-failures': { threshold: 3 }, 'range-failures': { forgiveTypos: false, failuresPerSuccess: 0 } } });
    const texts = await Promise.all([1, 7, 1000].map(async (size) => JSON.stringify((await runBacktest(inBatches(recordedTraffic(), size), DEFAULT_POLICY, candidate, { clock })).report)));
    expect(new Set(texts).size).toBe(1);
  });

  it('reports progress on long runs, and its timing apart from the report', async () => {
    let now = 0;
    const progress: number[] = [];
    const { timing } = await runBacktest(inBatches(recordedTraffic(), 8), DEFAULT_POLICY, DEFAULT_POLICY, {
      clock: () => (now += 500),
      progressEveryMs: 1_000,
      onProgress: ({ attempts }) => progress.push(attempts),
    });
    expect(progress.length).toBeGreaterThan(2);
    expect(timing.attempts).toBe(56);
    expect(timing.attemptsPerSecond).toBeGreaterThan(0);
  });
});
