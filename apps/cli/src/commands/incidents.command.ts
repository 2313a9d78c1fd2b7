import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { INCIDENT_TYPES, MAX_INCIDENT_PAGE, type AuditedIncident, type IncidentType } from '#warden/contracts';
import { instantOrAgo, positiveInteger } from '../cli-arguments.js';
import { contextOf, type CliContext } from '../cli-context.js';
import { firstItems } from '../http/pages.js';
import type { IncidentFilter } from '../http/warden-api.js';
import { incidentsAfter, latestIncidents } from '../incidents/newer-incidents.js';
import type { Colour, Style } from '../output/style.js';
import { table, type Column } from '../output/table.js';
import { timeText } from '../output/time-text.js';
import { WardenError, WardenHttpError } from '../warden-error.js';

interface FilterOptions {
  readonly subject?: string;
  readonly type?: IncidentType;
}

interface SearchOptions extends FilterOptions {
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
}

interface TailOptions extends FilterOptions {
  readonly lines: number;
  readonly interval: number;
}

const SEVERITY_COLOUR: Readonly<Record<string, Colour>> = { high: 'red', medium: 'yellow', low: 'dim' };

/** `warden incidents search …` and `warden incidents tail`: the audit log's incidents. */
export function registerIncidentsCommand(program: Command): void {
  const incidents = program.command('incidents').description('incidents recorded in the audit log');
  withFilter(incidents.command('search'))
    .description('search incidents, newest first (GET /v1/incidents)')
    .option('--since <time>', 'from this time: a duration back from now (2h, 7d) or an ISO-8601 time', instantOrAgo())
    .option('--until <time>', 'up to this time (exclusive), same forms as --since', instantOrAgo())
    .option('--limit <n>', 'the most incidents to show', positiveInteger, 50)
    .action(async (options: SearchOptions, command: Command) => {
      const context = contextOf(command);
      const found = await search(context, { subject: options.subject, type: options.type, from: options.since, to: options.until }, options.limit);
      if (context.json) context.printJson(found);
      else if (found.length === 0) context.print('No incidents match.');
      else context.print(table(found, INCIDENT_COLUMNS, context.style));
    });
  withFilter(incidents.command('tail'))
    .description('follow incidents as they are recorded (polls GET /v1/incidents from the last one seen, waits out a restart of Warden); Ctrl-C stops')
    .option('--lines <n>', 'recent incidents to show first', nonNegativeInteger, 10)
    .option('--interval <ms>', 'time between two polls, in milliseconds', positiveInteger, 1_000)
    .addHelpText('after', '\nWith --json, one incident per line (NDJSON), oldest first.')
    .action(async (options: TailOptions, command: Command) => {
      const context = contextOf(command);
      const api = context.api();
      const filter = { subject: options.subject, type: options.type };
      let seen = await latestIncidents(api, filter, options.lines);
      // The kind of failure last warned of (an HTTP status, or why Warden is unreachable): a
      // restart often shows as a 503 while Warden closes, then as unreachable, and each is said once.
      let failure: string | undefined;
      for (;;) {
        for (const incident of seen.incidents) {
          if (context.json) context.printJsonLine(incident);
          else context.print(incidentLine(incident, context.style));
        }
        await sleep(options.interval);
        try {
          seen = await incidentsAfter(api, filter, seen.head);
          if (failure !== undefined) context.warn('Warden answers again; following.');
          failure = undefined;
        } catch (error) {
          // A restart of Warden (unreachable, or 503 until ready) is waited out; a refused key is not.
          if (!(error instanceof WardenError) || (error instanceof WardenHttpError && error.status < 500)) throw error;
          const kind = error instanceof WardenHttpError ? `HTTP ${error.status}` : error.message;
          if (kind !== failure) context.warn(`${error.message} Retrying every ${options.interval} ms…`);
          failure = kind;
          seen = { incidents: [], head: seen.head };
        }
      }
    });
}

function withFilter(command: Command): Command {
  return command
    .option('--subject <subject>', 'one subject, e.g. ip:203.0.113.7 or account:alice')
    .addOption(new Option('--type <type>', 'one type of incident').choices(INCIDENT_TYPES));
}

/** Up to `limit` incidents, newest first, along the cursor. */
function search(context: CliContext, filter: IncidentFilter, limit: number): Promise<AuditedIncident[]> {
  const api = context.api();
  return firstItems(limit, MAX_INCIDENT_PAGE, (size, cursor) => api.incidents(filter, size, cursor));
}

const INCIDENT_COLUMNS: readonly Column<AuditedIncident>[] = [
  { header: 'AT', cell: (incident) => timeText(incident.at) },
  { header: 'TYPE', cell: (incident) => incident.type + (incident.simulated ? ' (simulated)' : '') },
  { header: 'SEVERITY', cell: (incident) => incident.severity, colour: (incident) => SEVERITY_COLOUR[incident.severity] },
  { header: 'SUBJECT', cell: (incident) => incident.subject },
  { header: 'RULE', cell: (incident) => incident.rule ?? '' },
  { header: 'LEVEL', cell: (incident) => (incident.level === null ? '' : String(incident.level)) },
  { header: 'UNTIL', cell: (incident) => (incident.until === null ? '' : timeText(incident.until)) },
  { header: 'ACTOR', cell: (incident) => incident.actor },
  { header: 'REASON', cell: (incident) => incident.reason ?? '' },
];

/** One incident as a line of a tail: no table to line up with, fixed widths instead. */
function incidentLine(incident: AuditedIncident, style: Style): string {
  const parts = [
    timeText(incident.at),
    (incident.type + (incident.simulated ? '*' : '')).padEnd(16),
    style(SEVERITY_COLOUR[incident.severity], incident.severity.padEnd(6)),
    incident.subject,
    incident.rule ?? '',
    incident.level === null ? '' : `level ${incident.level}`,
    incident.until === null ? '' : `until ${timeText(incident.until)}`,
    `by ${incident.actor}`,
    incident.reason === null ? '' : `"${incident.reason.replace(/\s+/g, ' ')}"`,
  ];
  return parts.filter((part) => part !== '').join('  ');
}

function nonNegativeInteger(text: string): number {
  return text.trim() === '0' ? 0 : positiveInteger(text);
}
