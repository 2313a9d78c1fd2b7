/**
 * `npm run bench:backtest`: attempts per second of a backtest (the default policy against the
 * default without typo forgiveness) over the traffic of `bench:policy`, beside one plain `decide`
 * pass over the same traffic in the same run. A backtest replays every attempt through two
 * policies, so the goal is at least half the rate of one `decide` pass.
 */
import { performance } from 'node:perf_hooks';
import { decide, DEFAULT_POLICY, DEFAULT_POLICY_DOCUMENT, policyFromData, runBacktest, type SubjectState } from '../src/index.js';
import { generateTraffic, TOTAL_ATTEMPTS } from './bench-traffic.js';

const withoutForgiveness = policyFromData({
  rules: Object.fromEntries(Object.keys(DEFAULT_POLICY_DOCUMENT.rules).map((rule) => [rule, { forgiveTypos: false, failuresPerSuccess: 0 }])),
});
if (!withoutForgiveness.ok) throw new Error(withoutForgiveness.errors.join('\n'));
const BASELINE = withoutForgiveness.policy;

function decideOnce(): number {
  const state = new Map<string, SubjectState>();
  let ms = 0;
  for (const batch of generateTraffic()) {
    const start = performance.now();
    const result = decide(state, batch, DEFAULT_POLICY);
    for (const [subject, subjectState] of result.state) state.set(subject, subjectState);
    ms += performance.now() - start;
  }
  return Math.round(TOTAL_ATTEMPTS / (ms / 1_000));
}

async function main(): Promise<void> {
  const count = (n: number) => n.toLocaleString('en-US');
  console.log(`backtest bench: ${count(TOTAL_ATTEMPTS)} attempts (the traffic of bench:policy, every attempt reported)`);
  const decideRate = decideOnce();
  // The generator's own time is left out of both figures: the backtest gets prepared batches.
  const batches = [...generateTraffic()];
  const { report, timing } = await runBacktest(batches, BASELINE, DEFAULT_POLICY, { clock: () => performance.now() });
  console.log(`  decide (one policy, in-memory state):  ${count(decideRate)} attempts/s`);
  console.log(`  backtest (two policies and the diff):  ${count(timing.attemptsPerSecond)} attempts/s, ${(timing.durationMs / 1_000).toFixed(1)} s`);
  console.log(`  ratio decide / backtest: ${(decideRate / timing.attemptsPerSecond).toFixed(2)} (goal: at most 2)`);
  console.log(`  diff: ${count(report.diff.onlyCandidate.count)} bans only with forgiveness, ${count(report.diff.onlyBaseline.count)} only without, ${count(report.diff.answeredDifferently.count)} attempts answered differently`);
}

await main();
