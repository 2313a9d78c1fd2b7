import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { IncidentExportQuery } from '#warden/contracts';
import { headText } from '../audit-log/audit-chain.js';
import { AuditLogRepository, type IncidentFilter } from '#warden/persistence';
import { timeRange } from '../http/parse-input.js';
import { CSV_HEADER, csvLine } from './incident-csv.js';

export interface IncidentExport {
  readonly contentType: string;
  readonly fileName: string;
  readonly body: Readable;
  /** The log's head when the export began (`<sequence>:<hash>`, as `verify?head=` takes it); null when empty. */
  readonly head: string | null;
}

/**
 * `GET /v1/incidents/export`: every matching incident, oldest first, as NDJSON or CSV. The body
 * is a stream that reads the next page of the log only when the client has taken the last one,
 * so memory stays flat however many rows there are and however slow the client.
 */
@Injectable()
export class ExportIncidentsService {
  constructor(@Inject(AuditLogRepository) private readonly auditLog: AuditLogRepository) {}

  async export(query: IncidentExportQuery): Promise<IncidentExport> {
    const filter = timeRange(query);
    const csv = query.format === 'csv';
    const head = await this.auditLog.head();
    return {
      head: head === undefined ? null : headText(head),
      contentType: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      fileName: `incidents.${query.format}`,
      body: Readable.from(this.chunks(filter, csv), { objectMode: false }),
    };
  }

  private async *chunks(filter: IncidentFilter, csv: boolean): AsyncGenerator<string> {
    if (csv) yield CSV_HEADER;
    for await (const page of this.auditLog.oldestFirst(filter)) {
      yield page.map((incident) => (csv ? csvLine(incident) : `${JSON.stringify(incident)}\n`)).join('');
    }
  }
}
