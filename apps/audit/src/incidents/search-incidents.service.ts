import { Inject, Injectable } from '@nestjs/common';
import { normalizeSubject, type IncidentPage, type IncidentSearchQuery } from '#warden/contracts';
import { ProblemError, problem } from '#warden/http-kit';
import { AuditLogRepository } from '#warden/persistence';
import { timeRange } from '../http/parse-input.js';
import { decodeCursor, encodeCursor } from './incident-cursor.js';

/** `GET /v1/incidents`: newest first, one page at a time. */
@Injectable()
export class SearchIncidentsService {
  constructor(@Inject(AuditLogRepository) private readonly auditLog: AuditLogRepository) {}

  async search(query: IncidentSearchQuery): Promise<IncidentPage> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (before === null) {
      throw new ProblemError(problem(400, 'validation_failed', 'Invalid query: cursor.', [{ field: 'cursor', message: 'is not a cursor this API gave out' }]));
    }
    // `account:Alice` finds `account:alice`, as the engine names subjects; other text is taken as it is.
    const subject = query.subject === undefined ? undefined : (normalizeSubject(query.subject) ?? query.subject);
    const filter = { subject, type: query.type, ...timeRange(query) };
    // One more than the page holds says whether there is a next page.
    const rows = await this.auditLog.newestFirst(filter, query.limit + 1, before);
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!.sequence) : null };
  }
}
