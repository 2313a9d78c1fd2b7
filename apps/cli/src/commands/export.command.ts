import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { instantOrAgo } from '../cli-arguments.js';
import { contextOf } from '../cli-context.js';

interface ExportOptions {
  readonly format: 'csv' | 'ndjson';
  readonly since?: string;
  readonly until?: string;
}

/** `warden export --format csv|ndjson --since 24h > file`: the audit log's incidents, streamed, oldest first. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('stream incidents from the audit log to stdout, oldest first (GET /v1/incidents/export)')
    .addOption(new Option('--format <format>', 'csv or ndjson').choices(['csv', 'ndjson']).default('ndjson'))
    .option('--since <time>', 'from this time: a duration back from now (2h, 7d) or an ISO-8601 time', instantOrAgo())
    .option('--until <time>', 'up to this time (exclusive), same forms as --since', instantOrAgo())
    .addHelpText('after', '\nExample: warden export --format csv --since 24h > incidents.csv')
    .action(async (options: ExportOptions, command: Command) => {
      const context = contextOf(command);
      const body = await context.api().exportIncidents(options.format, { from: options.since, to: options.until });
      // Byte for byte as Warden sends it, at the pace stdout takes it.
      await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), context.output, { end: false });
    });
}
