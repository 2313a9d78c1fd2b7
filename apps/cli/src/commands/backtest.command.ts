import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { BacktestReport } from '#warden/client';
import { instantOrAgo } from '../cli-arguments.js';
import { contextOf, type CliContext } from '../cli-context.js';
import { WardenError } from '../warden-error.js';

interface BacktestOptions {
  readonly policy: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * `warden backtest --policy FILE [--from --to]`: replays the attempts Warden recorded in that span
 * through the candidate policy beside the running one (`POST /v1/policy/backtest`) and prints the
 * difference. Against another baseline or an NDJSON file of attempts, offline, `npm run backtest`
 * takes `--baseline` and `--attempts`.
 */
export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('replay recorded attempts through a candidate policy beside the running one (POST /v1/policy/backtest) and show the difference')
    .requiredOption('--policy <file>', 'the candidate policy file (.json, .yaml, .yml)')
    .option('--from <time>', 'recorded attempts from this time: a duration back from now (2h, 7d) or an ISO-8601 time', instantOrAgo())
    .option('--to <time>', 'up to this time (exclusive), same forms as --from', instantOrAgo())
    .addHelpText('after', '\nExample: warden backtest --policy stricter.yaml --from 24h\nOffline, against another baseline or an NDJSON file: npm run backtest -- --help')
    .action(async (options: BacktestOptions, command: Command) => {
      const context = contextOf(command);
      const report = await context.api().backtest(policyData(options.policy), { from: options.from, to: options.to });
      if (context.json) context.printJson(report);
      else printReport(context, report);
    });
}

/** The file as data (JSON or YAML): Warden validates it as it would at start, naming each bad field. */
function policyData(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WardenError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new WardenError(`${path} does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function printReport(context: CliContext, report: BacktestReport): void {
  const { baseline, candidate, diff } = report;
  const range = report.from === null ? 'no attempts recorded in that span' : `${report.from} – ${report.to}`;
  context.print(`${report.attempts.toLocaleString('en-US')} attempts replayed (${range})`);
  context.print(`  baseline  ${baseline.policyVersion}: ${baseline.bans.subjects} subjects banned`);
  context.print(`  candidate ${candidate.policyVersion}: ${candidate.bans.subjects} subjects banned`);
  const section = (title: string, count: number, lines: readonly string[]) => {
    context.print(`${context.style(count === 0 ? 'green' : 'yellow', title)}: ${count}`);
    for (const line of lines) context.print(`  ${line}`);
  };
  section('Bans only the candidate makes', diff.onlyCandidate.count, diff.onlyCandidate.byRule.map((group) => `${group.rule} (${group.scope}) ${group.count}: ${group.subjects.join(', ')}`));
  section('Bans only the baseline makes', diff.onlyBaseline.count, diff.onlyBaseline.byRule.map((group) => `${group.rule} (${group.scope}) ${group.count}: ${group.subjects.join(', ')}`));
  section('Likely false positives of the candidate', diff.likelyFalsePositives.count, diff.likelyFalsePositives.items.map((item) => `${item.subject} (${item.rule}, ${item.reason})`));
  section('Attacks the candidate lets through', diff.attacksLetThrough.count, diff.attacksLetThrough.subjects.map((item) => `${item.subject} (${item.rule})`));
  section('Attempts answered differently', diff.answeredDifferently.count, Object.entries(diff.answeredDifferently.byChange).map(([change, count]) => `${change}: ${count}`));
}
