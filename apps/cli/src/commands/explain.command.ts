import type { Command } from 'commander';
import type { BanExplanation } from '#warden/contracts';
import { contextOf, type CliContext } from '../cli-context.js';
import { humanDuration } from '../output/human-duration.js';
import { table } from '../output/table.js';
import { timeText } from '../output/time-text.js';

const SHOWN_ATTEMPTS = 5;

/** `warden explain SUBJECT`: why a subject is banned — rule, policy version, level history, attempts. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('why a subject is (or was) banned: rule, policy version, level history, the attempts that caused it')
    .argument('<subject>', 'e.g. ip:203.0.113.7, account:alice, account-ip:alice|203.0.113.7, range:203.0.113.0/24')
    .action(async (subject: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const explanation = await context.api().explain(subject);
      if (context.json) context.printJson(explanation);
      else printExplanation(context, explanation, Date.now());
    });
}

function printExplanation(context: CliContext, ban: BanExplanation, now: number): void {
  const { style } = context;
  const left = Math.ceil((Date.parse(ban.until) - now) / 1_000);
  const state = ban.status === 'active' ? style('red', 'active') : style('green', ban.status);
  context.print(`${style('bold', ban.subject)}  ${state}  ${ban.visible ? 'visible (429 + Retry-After)' : 'invisible (401)'}`);
  context.print(`  rule            ${ban.rule}, level ${ban.level}`);
  context.print(`  since           ${timeText(ban.since)}`);
  context.print(`  until           ${timeText(ban.until)}${ban.status === 'active' && left > 0 ? ` (Retry-After ${humanDuration(left)})` : ''}`);
  context.print(`  policy version  ${ban.policyVersion}`);
  context.print(`  attempts        ${attemptsText(ban.attemptIds)}`);
  context.print();
  context.print('History, oldest first:');
  context.print(
    table(
      ban.history,
      [
        { header: 'AT', cell: (change) => timeText(change.at) },
        { header: 'CHANGE', cell: (change) => change.type },
        { header: 'RULE', cell: (change) => change.rule },
        { header: 'LEVEL', cell: (change) => String(change.level) },
        { header: 'UNTIL', cell: (change) => timeText(change.until) },
        { header: 'ACTOR', cell: (change) => change.actor },
        { header: 'ATTEMPTS', cell: (change) => String(change.attemptIds.length) },
        { header: 'REASON', cell: (change) => change.reason ?? '' },
      ],
      style,
    ),
  );
}

/** A ban that escalated many times names many attempts: the count and the first few (all of them with --json). */
function attemptsText(ids: readonly string[]): string {
  if (ids.length === 0) return '—';
  const shown = ids.slice(0, SHOWN_ATTEMPTS).join(', ');
  return ids.length > SHOWN_ATTEMPTS ? `${ids.length}: ${shown}, … (--json lists them all)` : `${ids.length}: ${shown}`;
}
