#!/usr/bin/env node
/**
 * `warden`, the security team's CLI (DESIGN §1): `npx warden --help` in the repository, after
 * `npm run build`. Human tables by default, `--json` for scripts; exit 0 ok, 1 failure, 2 usage.
 */
import { CommanderError } from 'commander';
import { WardenError } from './warden-error.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, wardenProgram } from './warden-program.js';

// `warden export … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(EXIT_OK);
});

try {
  await wardenProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has printed the help or the usage error already.
    process.exitCode = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  } else if (error instanceof WardenError) {
    process.stderr.write(`warden: ${error.message}\n`);
    process.exitCode = EXIT_FAILURE;
  } else {
    throw error;
  }
}
