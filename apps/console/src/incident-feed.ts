import type { AuditedIncident } from '#warden/contracts';
import { api } from './api.js';

const PAGE = 100;
/** Pages read per poll at most: a burst beyond this many incidents shows its newest ones. */
const MAX_PAGES = 5;

/**
 * The live feed: `GET /v1/incidents` polled with the highest sequence number seen as the cursor.
 * Audit has no incident stream of its own (the decision stream carries decisions, not incidents,
 * and needs another scope), and a poll a second is within the "seconds" the console promises.
 * Each poll reads newest-first pages until it reaches what it has seen, and hands the new
 * incidents on oldest first.
 */
export class IncidentFeed {
  private seen = 0;

  async poll(): Promise<AuditedIncident[]> {
    const fresh: AuditedIncident[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < (this.seen === 0 ? 1 : MAX_PAGES); page += 1) {
      const { items, nextCursor } = await api.incidents({ limit: PAGE, ...(cursor ? { cursor } : {}) });
      const unseen = items.filter((incident) => incident.sequence > this.seen);
      fresh.push(...unseen);
      if (unseen.length < items.length || !nextCursor) break;
      cursor = nextCursor;
    }
    if (fresh.length > 0) this.seen = Math.max(this.seen, ...fresh.map((incident) => incident.sequence));
    return fresh.reverse();
  }
}
