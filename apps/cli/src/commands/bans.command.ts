import { Option, type Command } from 'commander';
import { BAN_SCOPES, BAN_STATES, MAX_BAN_PAGE, type BanListItem, type ManualBanRequest } from '#warden/contracts';
import { durationSeconds, positiveInteger } from '../cli-arguments.js';
import { contextOf, type CliContext } from '../cli-context.js';
import { firstItems } from '../http/pages.js';
import type { BanListFilter } from '../http/warden-api.js';
import { humanDuration } from '../output/human-duration.js';
import { table, type Column } from '../output/table.js';
import { timeText } from '../output/time-text.js';
import { WardenError } from '../warden-error.js';

interface ListOptions extends BanListFilter {
  readonly limit: number;
}

interface BanOptions {
  readonly ip?: string;
  readonly account?: string;
  readonly range?: string;
  readonly for: number;
  readonly reason: string;
}

const BAN_COLUMNS: readonly Column<BanListItem>[] = [
  { header: 'SUBJECT', cell: (ban) => ban.subject },
  { header: 'RULE', cell: (ban) => ban.rule },
  { header: 'LEVEL', cell: (ban) => String(ban.level) },
  { header: 'STATE', cell: (ban) => ban.state, colour: (ban) => (ban.state === 'active' ? 'red' : 'green') },
  { header: 'SINCE', cell: (ban) => timeText(ban.since) },
  { header: 'UNTIL', cell: (ban) => timeText(ban.until) },
  { header: 'RETRY-AFTER', cell: (ban) => (ban.state === 'active' ? humanDuration(ban.retryAfter) : '') },
  { header: 'ANSWER', cell: (ban) => (ban.visible ? '429' : '401') },
  { header: 'ACTOR', cell: (ban) => ban.actor ?? 'policy' },
];

/** `warden bans list | show | ban | unban`: the bans in force, and banning or unbanning by hand. */
export function registerBansCommand(program: Command): void {
  const bans = program.command('bans').description('bans: list them, show one, ban or unban by hand');

  withListFilter(bans.command('list'))
    .description('the bans, newest first (GET /v1/bans)')
    .option('--limit <n>', 'the most bans to show', positiveInteger, 100)
    .action(async (options: ListOptions, command: Command) => {
      const context = contextOf(command);
      const found = await listBans(context, options, options.limit);
      if (context.json) context.printJson(found);
      else if (found.length === 0) context.print(`No ${options.state ?? 'active'} bans match.`);
      else context.print(table(found, BAN_COLUMNS, context.style));
    });

  bans
    .command('show')
    .description('one subject’s ban as the list shows it (exit 1 if it has none in that state)')
    .argument('<subject>', 'e.g. ip:203.0.113.7, account:alice, range:203.0.113.0/24')
    .addOption(new Option('--state <state>', 'where the ban stands').choices(BAN_STATES).default('active'))
    .action(async (subject: string, options: { state: string }, command: Command) => {
      const context = contextOf(command);
      const ban = (await listBans(context, { state: options.state, q: subject }, MAX_BAN_PAGE)).find((item) => sameSubject(item.subject, subject));
      if (ban === undefined) throw new WardenError(`${subject} has no ${options.state} ban. \`warden explain ${subject}\` tells its history.`);
      if (context.json) context.printJson(ban);
      else printBan(context, ban);
    });

  bans
    .command('ban')
    .description('ban an IP address, an account or a network by hand (POST /v1/bans)')
    .addOption(new Option('--ip <address>', 'an IPv4 or IPv6 address').conflicts(['account', 'range']))
    .addOption(new Option('--account <name>', 'an account name').conflicts(['ip', 'range']))
    .addOption(new Option('--range <cidr>', 'a network, e.g. 203.0.113.0/24').conflicts(['ip', 'account']))
    .requiredOption('--for <duration>', 'how long: 90s, 10m, 2h, 7d (at most a year)', durationSeconds)
    .requiredOption('--reason <text>', 'why, for the audit log')
    .addHelpText('after', '\nExample: warden bans ban --ip 203.0.113.9 --for 2h --reason "phishing kit seen in logs"')
    .action(async (options: BanOptions, command: Command) => {
      const target = options.ip !== undefined ? { ip: options.ip } : options.account !== undefined ? { account: options.account } : options.range !== undefined ? { range: options.range } : null;
      if (target === null) command.error('error: give one of --ip, --account or --range', { exitCode: 2, code: 'warden.usage' });
      const context = contextOf(command);
      const request: ManualBanRequest = { ...target, durationSeconds: options.for, reason: options.reason };
      const accepted = await context.api().ban(request);
      if (context.json) context.printJson(accepted);
      else context.print(`Ban of ${accepted.subject} for ${humanDuration(options.for)} requested (command ${accepted.id}); the engine applies it in a moment: \`warden explain ${accepted.subject}\`.`);
    });

  bans
    .command('unban')
    .description('lift a subject’s ban by hand (DELETE /v1/bans/{subject})')
    .argument('<subject>', 'e.g. ip:203.0.113.7, account:alice, account-ip:alice|203.0.113.7')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .action(async (subject: string, options: { reason: string }, command: Command) => {
      const context = contextOf(command);
      const accepted = await context.api().unban(subject, options.reason);
      if (context.json) context.printJson(accepted);
      else context.print(`Unban of ${accepted.subject} requested (command ${accepted.id}); the engine applies it in a moment.`);
    });
}

function withListFilter(command: Command): Command {
  return command
    .addOption(new Option('--state <state>', 'where the bans stand').choices(BAN_STATES).default('active'))
    .addOption(new Option('--scope <scope>', 'one kind of subject').choices(BAN_SCOPES))
    .option('--rule <rule>', 'one rule, e.g. ip-failures, or manual')
    .option('--q <text>', 'a part of the subject, e.g. 203.0.113. or alice');
}

/** Up to `limit` bans, newest first, along the cursor. */
function listBans(context: CliContext, filter: BanListFilter, limit: number): Promise<BanListItem[]> {
  const api = context.api();
  return firstItems(limit, MAX_BAN_PAGE, (size, cursor) => api.bans(filter, size, cursor));
}

/** Warden case-folds accounts and writes IPv6 in lower case, so `account:Alice` is `account:alice`. */
function sameSubject(listed: string, given: string): boolean {
  return listed === given.trim() || listed.toLowerCase() === given.trim().toLowerCase();
}

function printBan(context: CliContext, ban: BanListItem): void {
  const { style } = context;
  context.print(`${style('bold', ban.subject)}  ${style(ban.state === 'active' ? 'red' : 'green', ban.state)}  ${ban.visible ? 'visible (429 + Retry-After)' : 'invisible (401)'}`);
  context.print(`  rule            ${ban.rule}, level ${ban.level}`);
  context.print(`  since           ${timeText(ban.since)}`);
  context.print(`  until           ${timeText(ban.until)}${ban.state === 'active' ? ` (Retry-After ${humanDuration(ban.retryAfter)})` : ''}`);
  context.print(`  actor           ${ban.actor ?? 'policy'}`);
  context.print(`  policy version  ${ban.policyVersion}`);
}
