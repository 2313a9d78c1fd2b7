import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadPolicy, policyFormatOf, runBacktest, type Policy, type PolicyAttempt } from '#warden/ban-policy';
import { loadPolicyFile } from '#warden/runtime';
import { Database, LoginAttemptsRepository } from '#warden/persistence';
import { ndjsonAttempts } from './ndjson-attempts.js';

export const USAGE = `Usage: npm run backtest -- --policy FILE [--baseline FILE] [--from ISO] [--to ISO] [--attempts FILE.ndjson] [--limit N]

Replays recorded login attempts through the candidate policy (--policy) beside the baseline
(--baseline, or the running policy: WARDEN_POLICY with WARDEN_ALLOWLIST, else the defaults) and
prints the difference as JSON on stdout; progress and timing go to stderr.
The attempts come from --attempts (NDJSON, one attempt per line, in recorded order) or from the
login_attempts table of DATABASE_URL, between --from (included) and --to (excluded).`;

export class BacktestUsageError extends Error {}

function policyFrom(path: string, what: string): Policy {
  const format = policyFormatOf(path);
  if (format === null) throw new BacktestUsageError(`${what} ${path} must end in .json, .yaml or .yml`);
  const loaded = loadPolicy(readFileSync(path, 'utf8'), format);
  if (!loaded.ok) throw new BacktestUsageError(`${what} ${path} is not a valid policy:\n  ${loaded.errors.join('\n  ')}`);
  return loaded.policy;
}

function instant(text: string | undefined, what: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new BacktestUsageError(`${what} must be an ISO-8601 time, got "${text}"`);
  return date;
}

/** `npm run backtest`: returns the JSON report text (deterministic) and writes progress to `progress`. */
export async function backtestCommand(argv: readonly string[], env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<string | 'help'> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      policy: { type: 'string' },
      baseline: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      attempts: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.policy === undefined) throw new BacktestUsageError('--policy FILE is required');
  const candidate = policyFrom(values.policy, '--policy');
  let baseline: Policy;
  if (values.baseline !== undefined) baseline = policyFrom(values.baseline, '--baseline');
  else {
    const running = loadPolicyFile(env.WARDEN_POLICY, (env.WARDEN_ALLOWLIST ?? '').split(',').filter((entry) => entry.trim() !== ''));
    if (!running.ok) throw new BacktestUsageError(running.errors.join('\n'));
    baseline = running.policy;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new BacktestUsageError('--limit must be a positive integer');
  const from = instant(values.from, '--from');
  const to = instant(values.to, '--to');
  let database: Database | undefined;
  let attempts: AsyncIterable<PolicyAttempt[]>;
  if (values.attempts !== undefined) {
    attempts = inSpan(ndjsonAttempts(values.attempts), from, to);
  } else {
    if (!env.DATABASE_URL) throw new BacktestUsageError('set DATABASE_URL, or give --attempts FILE.ndjson');
    database = new Database(env.DATABASE_URL, 2);
    attempts = new LoginAttemptsRepository(database).stream({ from, to });
  }
  try {
    const { report, timing } = await runBacktest(attempts, baseline, candidate, {
      clock: () => performance.now(),
      sample: limit,
      onProgress: ({ attempts: n, elapsedMs }) => progress(`backtest: ${n.toLocaleString('en-US')} attempts replayed in ${(elapsedMs / 1_000).toFixed(1)} s`),
    });
    progress(`backtest: ${timing.attempts.toLocaleString('en-US')} attempts in ${timing.durationMs} ms, ${timing.attemptsPerSecond.toLocaleString('en-US')} attempts/s`);
    return `${JSON.stringify(report, null, 2)}\n`;
  } finally {
    await database?.close();
  }
}

/** An NDJSON file's attempts within [from, to) of event time (the database path filters in SQL). */
async function* inSpan(batches: AsyncIterable<PolicyAttempt[]>, from: Date | undefined, to: Date | undefined): AsyncGenerator<PolicyAttempt[]> {
  for await (const batch of batches) {
    if (from === undefined && to === undefined) yield batch;
    else yield batch.filter((attempt) => (from === undefined || attempt.occurredAt >= from.getTime()) && (to === undefined || attempt.occurredAt < to.getTime()));
  }
}
