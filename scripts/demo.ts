/**
 * `npm run demo`: plays a few minutes of realistic login traffic, five attacks in it, against a
 * running Warden in seconds, then prints the bans it caused and their incidents. `--help` for options.
 */
import { WardenError } from '../apps/cli/src/warden-error.js';
import { demoOptions, USAGE } from './demo/demo-options.js';
import { runDemo } from './demo/run-demo.js';

try {
  const options = demoOptions(process.argv.slice(2), process.env);
  if (options === 'help') console.log(USAGE);
  else if (!(await runDemo(options, process.stdout))) process.exitCode = 1;
} catch (error) {
  if (!(error instanceof WardenError)) throw error;
  console.error(`\ndemo: ${error.message}`);
  process.exitCode = 1;
}
