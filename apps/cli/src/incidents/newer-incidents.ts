import type { AuditedIncident } from '#warden/contracts';
import type { IncidentFilter, WardenApi } from '../http/warden-api.js';

const PAGE = 200;

/** What a follower has printed so far: the incidents, oldest first, and the highest place in the log seen. */
export interface IncidentsSeen {
  readonly incidents: AuditedIncident[];
  readonly head: number;
}

/** The first look of a tail: the newest `last` incidents, oldest first, and where the log stands (0: empty). */
export async function latestIncidents(api: WardenApi, filter: IncidentFilter, last: number): Promise<IncidentsSeen> {
  const page = await api.incidents(filter, Math.max(1, last));
  return { incidents: page.items.slice(0, last).reverse(), head: page.items[0]?.sequence ?? 0 };
}

/**
 * The incidents recorded after `head` (their place in the audit log), oldest first:
 * `GET /v1/incidents` pages, newest first, read back along the cursor until a page reaches what
 * was seen.
 */
export async function incidentsAfter(api: WardenApi, filter: IncidentFilter, head: number): Promise<IncidentsSeen> {
  const newer: AuditedIncident[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api.incidents(filter, PAGE, cursor);
    const unseen = page.items.filter((incident) => incident.sequence > head);
    newer.push(...unseen);
    if (unseen.length < page.items.length || page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return { incidents: newer.reverse(), head: newer[0]?.sequence ?? head };
}
