import type { PolicyAttempt } from '../attempt.js';
import type { Policy } from '../policy.types.js';
import type { BacktestReport, BacktestTiming } from './backtest-report.types.js';
import { PolicyBacktest } from './policy-backtest.js';

export interface BacktestProgress {
  readonly attempts: number;
  readonly elapsedMs: number;
}

export interface RunBacktestOptions {
  /** Milliseconds of a monotonic clock (the policy reads none of its own). */
  readonly clock: () => number;
  /** Called at most once per `progressEveryMs` while attempts are replayed (long runs). */
  readonly onProgress?: (progress: BacktestProgress) => void;
  readonly progressEveryMs?: number;
  /** Subjects listed per group (the counts are always complete). */
  readonly sample?: number;
}

export interface BacktestResult {
  readonly report: BacktestReport;
  readonly timing: BacktestTiming;
}

/**
 * `warden backtest` and `POST /v1/policy/backtest`: replays a stream of recorded attempts, batch
 * by batch (never all of them in memory), through the baseline and the candidate policy.
 */
export async function runBacktest(
  attempts: AsyncIterable<readonly PolicyAttempt[]> | Iterable<readonly PolicyAttempt[]>,
  baseline: Policy,
  candidate: Policy,
  options: RunBacktestOptions,
): Promise<BacktestResult> {
  const { clock, onProgress, progressEveryMs = 1_000 } = options;
  const backtest = new PolicyBacktest(baseline, candidate, options.sample);
  const start = clock();
  let replayed = 0;
  let lastProgress = start;
  for await (const batch of attempts) {
    backtest.replay(batch);
    replayed += batch.length;
    const now = clock();
    if (onProgress !== undefined && now - lastProgress >= progressEveryMs) {
      lastProgress = now;
      onProgress({ attempts: replayed, elapsedMs: now - start });
    }
  }
  const report = backtest.report();
  const durationMs = Math.max(clock() - start, 0);
  return {
    report,
    timing: { attempts: replayed, durationMs: Math.round(durationMs), attemptsPerSecond: durationMs > 0 ? Math.round(replayed / (durationMs / 1_000)) : 0 },
  };
}
