import { Command } from 'commander';
import { registerAuditCommand } from './commands/audit.command.js';
import { registerBacktestCommand } from './commands/backtest.command.js';
import { registerBansCommand } from './commands/bans.command.js';
import { registerExplainCommand } from './commands/explain.command.js';
import { registerExportCommand } from './commands/export.command.js';
import { registerIncidentsCommand } from './commands/incidents.command.js';
import { registerPolicyCommand } from './commands/policy.command.js';
import { CONNECTION_HELP } from './connection/warden-connection.js';

/** Exit codes (DESIGN §1's security team scripts against them). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * The `warden` command and its subcommands. Settings made here before the subcommands are added
 * (throw instead of exit, help layout) are inherited by every one of them.
 */
export function wardenProgram(): Command {
  const program = new Command('warden')
    .description('The security team’s command line for Warden: bans, incidents, exports, the audit log, policy files.')
    .option('--url <url>', 'Warden’s base URL (else WARDEN_URL, else http://127.0.0.1:3000)')
    .option('--key <key>', 'API key (else WARDEN_API_KEY, else the key file of `npm start`)')
    .option('--json', 'print JSON for scripts instead of tables')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      `
Where Warden is and which key to use:
${CONNECTION_HELP}

Exit codes: 0 ok, 1 failure (a refused request, a broken audit chain, a bad policy file), 2 usage.
Every command has --help, e.g. warden bans ban --help.`,
    );
  registerBansCommand(program);
  registerExplainCommand(program);
  registerIncidentsCommand(program);
  registerExportCommand(program);
  registerAuditCommand(program);
  registerPolicyCommand(program);
  registerBacktestCommand(program);
  return program;
}
