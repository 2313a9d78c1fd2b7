import type { AttemptInput, BanItemRecord, IncidentRecord, VerdictRecord } from '#warden/contracts';
import { DemoError, WardenHttpError } from './demo-error.js';
import { API_KEY_FILE } from './demo-options.js';
import type { StatusQuery } from './demo-traffic.js';

/** `GET /v1/status`'s body. */
export interface StatusAnswer {
  readonly banned: boolean;
  readonly retryAfter: number;
  readonly bans: readonly BanItemRecord[];
}

const REQUEST_TIMEOUT_MS = 30_000;
/** Pages of incidents the demo reads per subject at the most (it asks only for its own subjects). */
const MAX_INCIDENT_PAGES = 20;

/** The few calls of Warden's HTTP API (DESIGN §5) the demo makes, with errors a user can act on. */
export class WardenClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** Fails with a clear message when Warden cannot be reached or is not ready. */
  async ready(): Promise<void> {
    const response = await this.send('GET', '/health/ready', false);
    if (response.status !== 200) {
      throw new DemoError(`Warden at ${this.baseUrl} is not ready yet (GET /health/ready answered ${response.status}): ${await response.text()}`);
    }
  }

  /**
   * Posts up to 1,000 attempts and waits for their verdicts (`?wait=verdict`). Returns null when
   * the attempts were accepted but not decided within Warden's verdict timeout (504).
   */
  async submit(attempts: readonly AttemptInput[]): Promise<readonly VerdictRecord[] | null> {
    const response = await this.send('POST', '/v1/attempts?wait=verdict', true, attempts);
    if (response.status === 504) return null;
    const body = (await this.json(response, 'post attempts', 'attempts:write')) as { verdicts?: VerdictRecord[] };
    return body.verdicts ?? null;
  }

  async status(query: StatusQuery): Promise<StatusAnswer> {
    const response = await this.send('GET', `/v1/status?${new URLSearchParams({ ...query })}`, true);
    return (await this.json(response, 'read ban status', 'status:read')) as StatusAnswer;
  }

  /** Every incident of one subject since `from`, following the cursor. */
  async incidents(subject: string, from: Date): Promise<IncidentRecord[]> {
    const items: IncidentRecord[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_INCIDENT_PAGES; page++) {
      const query = new URLSearchParams({ subject, from: from.toISOString(), limit: '100', ...(cursor ? { cursor } : {}) });
      const response = await this.send('GET', `/v1/incidents?${query}`, true);
      const body = (await this.json(response, 'read incidents', 'audit:read')) as { items: IncidentRecord[]; nextCursor: string | null };
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return items;
  }

  private async send(method: string, path: string, authorized: boolean, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = authorized ? { authorization: `Bearer ${this.apiKey}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new DemoError(
        `Cannot reach Warden at ${this.baseUrl} (${reasonOf(error)}). Start it with \`npm start\` in another shell, ` +
          'or give its address with --url or WARDEN_URL.',
      );
    }
  }

  /** The body of a 2xx answer; any other status becomes a message naming the cause. */
  private async json(response: Response, what: string, scope: string): Promise<unknown> {
    if (response.ok) return response.json();
    const detail = await problemDetail(response);
    if (response.status === 401) {
      throw new WardenHttpError(
        401,
        `Warden refused the API key (401: ${detail}). Pass the right one with --key or WARDEN_API_KEY; ` +
          `\`npm start\` prints it at start and keeps it in its data folder (.warden/${API_KEY_FILE} by default).`,
      );
    }
    if (response.status === 403) {
      throw new WardenHttpError(403, `The API key may not ${what}: it needs the ${scope} scope (403: ${detail}).`);
    }
    throw new WardenHttpError(response.status, `Warden could not ${what}: ${response.status} ${detail}`);
  }
}

async function problemDetail(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string };
    return problem.detail ?? problem.title ?? text;
  } catch {
    return text || response.statusText;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1_000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? String(error);
}
