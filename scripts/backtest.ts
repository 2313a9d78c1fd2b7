/**
 * `npm run backtest -- --policy FILE [--baseline FILE] [--from --to] [--attempts FILE.ndjson]`:
 * a candidate policy replayed on recorded attempts beside the running one. `--help` for more.
 */
import { AttemptFileError } from './backtest/ndjson-attempts.js';
import { backtestCommand, BacktestUsageError, USAGE } from './backtest/backtest-command.js';

try {
  const output = await backtestCommand(process.argv.slice(2), process.env, (line) => console.error(line));
  if (output === 'help') console.log(USAGE);
  else process.stdout.write(output);
} catch (error) {
  if (!(error instanceof BacktestUsageError || error instanceof AttemptFileError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw error;
  console.error(`backtest: ${(error as Error).message}`);
  process.exitCode = 2;
}
