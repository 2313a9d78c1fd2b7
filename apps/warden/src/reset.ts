/**
 * `npm run reset [-- --yes]`: removes the embedded mode's data folder (`WARDEN_DATA_DIR`) and,
 * where it lives outside it, its PostgreSQL cluster, after saying what goes and asking. `--yes`
 * skips the question; without a terminal to ask on, `--yes` is required.
 */
import { createInterface } from 'node:readline/promises';
import { ConfigError, loadConfig, jsonLogger } from '#warden/runtime';
import { resetPlan, resetWarden } from './reset/reset-warden.js';

async function confirmed(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

try {
  const { dataDir, logLevel } = loadConfig();
  const plan = resetPlan(dataDir, process.getuid?.() === 0);
  if (plan.remove.length === 0) {
    console.log(`Nothing to reset: there is no ${dataDir} and no cluster of it.`);
    process.exit(0);
  }
  console.log(['This removes, for good:', ...plan.remove.map(({ path, holds }) => `  ${path}  (${holds})`)].join('\n'));
  if (!process.argv.includes('--yes')) {
    if (!process.stdin.isTTY) {
      console.error('Nothing was removed: there is no terminal to ask on; run `npm run reset -- --yes` to remove without asking.');
      process.exit(2);
    }
    if (!(await confirmed('Remove them? [y/N] '))) {
      console.log('Nothing was removed.');
      process.exit(1);
    }
  }
  await resetWarden(plan, jsonLogger(logLevel));
  console.log('Removed. The next `npm start` begins afresh, with a new API key.');
} catch (error) {
  console.error(`reset: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
