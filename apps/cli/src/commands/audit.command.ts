import type { Command } from 'commander';
import { contextOf } from '../cli-context.js';
import { WardenError } from '../warden-error.js';

/** `warden audit verify`: recomputes the audit log's hash chain; a broken chain exits 1. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('recompute the audit hash chain (GET /v1/audit/verify); exit 1 if any entry was altered, removed or reordered')
    .action(async (_options: unknown, command: Command) => {
      const context = contextOf(command);
      const verification = await context.api().verifyAuditLog();
      if (context.json) context.printJson(verification);
      else if (verification.ok) {
        context.print(`${context.style('green', 'Audit log intact')}: ${verification.checked.toLocaleString('en-US')} entries checked.`);
        if (verification.headHash) context.print(`Head hash: ${verification.headHash} (keep it elsewhere to detect a rewrite of the whole chain later)`);
      } else {
        context.print(`${context.style('red', 'Audit log BROKEN')} at entry ${verification.firstBrokenId ?? '?'} (entry ${verification.checked} checked): ${verification.problem ?? 'its hash does not hold'}.`);
      }
      // The answer is printed either way; the exit code tells a script.
      if (!verification.ok) throw new WardenError(context.json ? 'the audit chain is broken' : 'the audit chain is broken; see above');
    });
}
