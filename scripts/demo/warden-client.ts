import type { AttemptInput, BanItemRecord, IncidentRecord, VerdictRecord } from '#warden/contracts';
import { WardenHttp } from '../../apps/cli/src/http/warden-http.js';
import { DemoError } from './demo-error.js';
import type { StatusQuery } from './demo-traffic.js';

/** `GET /v1/status`'s body. */
export interface StatusAnswer {
  readonly banned: boolean;
  readonly retryAfter: number;
  readonly bans: readonly BanItemRecord[];
}

/** Pages of incidents the demo reads per subject at the most (it asks only for its own subjects). */
const MAX_INCIDENT_PAGES = 20;

/**
 * The few calls of Warden's HTTP API (DESIGN §5) the demo makes, over the `warden` CLI's HTTP
 * layer, so both explain an unreachable Warden or a refused key the same way.
 */
export class WardenClient {
  private readonly http: WardenHttp;

  constructor(
    readonly baseUrl: string,
    apiKey: string,
  ) {
    this.http = new WardenHttp(baseUrl, apiKey);
  }

  /** Fails with a clear message when Warden cannot be reached or is not ready. */
  async ready(): Promise<void> {
    const response = await this.http.send('GET', '/health/ready', { authorized: false });
    if (response.status !== 200) {
      throw new DemoError(`Warden at ${this.baseUrl} is not ready yet (GET /health/ready answered ${response.status}): ${await response.text()}`);
    }
  }

  /**
   * Posts up to 1,000 attempts and waits for their verdicts (`?wait=verdict`). Returns null when
   * the attempts were accepted but not decided within Warden's verdict timeout (504).
   */
  async submit(attempts: readonly AttemptInput[]): Promise<readonly VerdictRecord[] | null> {
    const response = await this.http.send('POST', '/v1/attempts?wait=verdict', { body: attempts });
    if (response.status === 504) return null;
    const body = (await this.http.read(response, { what: 'post attempts', scope: 'attempts:write' })) as { verdicts?: VerdictRecord[] };
    return body.verdicts ?? null;
  }

  status(query: StatusQuery): Promise<StatusAnswer> {
    return this.http.json('GET', `/v1/status?${new URLSearchParams({ ...query })}`, { what: 'read ban status', scope: 'status:read' });
  }

  /** Every incident of one subject since `from`, following the cursor. */
  async incidents(subject: string, from: Date): Promise<IncidentRecord[]> {
    const items: IncidentRecord[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_INCIDENT_PAGES; page++) {
      const query = new URLSearchParams({ subject, from: from.toISOString(), limit: '100', ...(cursor ? { cursor } : {}) });
      const body: { items: IncidentRecord[]; nextCursor: string | null } = await this.http.json('GET', `/v1/incidents?${query}`, {
        what: 'read incidents',
        scope: 'audit:read',
      });
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return items;
  }
}
