import type { AttemptInput } from '#warden/contracts';

/** Where Warden's gateway-api is and the key to call it with. */
export interface WardenEndpoint {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  /** A key with the scopes `status:read` (stream, check) and `attempts:write` (report, verdict). */
  readonly apiKey: string;
}

/** A failure worth retrying: the network, a timeout, or a 5xx/429 from Warden. */
export class WardenUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WardenUnavailableError';
  }
}

/** A refusal that a retry would not change (4xx): a bad attempt, a wrong key, a missing scope. */
export class WardenRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'WardenRefusedError';
  }
}

/** The HTTP calls of the gateway library, over Node's fetch, each with a deadline. */
export class WardenHttp {
  private readonly base: string;
  private readonly authorization: string;

  constructor(endpoint: WardenEndpoint) {
    this.base = endpoint.url.replace(/\/+$/, '');
    this.authorization = `Bearer ${endpoint.apiKey}`;
  }

  /** `POST /v1/attempts` (`?wait=verdict` when `wait`): the parsed body of a 2xx answer. */
  async postAttempts(attempts: readonly AttemptInput[], options: { wait: boolean; timeoutMs: number }): Promise<unknown> {
    const response = await this.call(`/v1/attempts${options.wait ? '?wait=verdict' : ''}`, options.timeoutMs, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(attempts),
    });
    return response.json();
  }

  /** `GET /v1/check`: its status (204, 429, 401 for an invisible ban) and Retry-After in seconds. */
  async check(params: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<{ status: number; retryAfter: number }> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
    const response = await this.call(`/v1/check?${query}`, timeoutMs, {}, (status, headers) =>
      // A ban's 401 says nothing more than a wrong password; a wrong key's 401 asks for one.
      (status === 429 || status === 401) && !headers.has('www-authenticate'),
    );
    await response.body?.cancel();
    return { status: response.status, retryAfter: Number(response.headers.get('retry-after') ?? 0) };
  }

  /** Opens `GET /v1/decisions/stream`, resuming after `lastEventId` when given. */
  openDecisionStream(lastEventId: string | undefined, signal: AbortSignal, timeoutMs: number): Promise<Response> {
    return this.call('/v1/decisions/stream', timeoutMs, {
      headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal,
    });
  }

  /**
   * One request; `timeoutMs` bounds the wait for the response head (not the body). Throws WardenUnavailableError
   * or WardenRefusedError unless the status is 2xx or one `expected` accepts.
   */
  private async call(
    path: string,
    timeoutMs: number,
    init: RequestInit,
    expected: (status: number, headers: Headers) => boolean = () => false,
  ): Promise<Response> {
    // Not AbortSignal.timeout: that would also cut the stream's body once the time is up.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { ...init, headers: { ...init.headers, authorization: this.authorization }, signal });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const reason = timeout.signal.aborted ? `no answer within ${timeoutMs} ms` : String((error as Error).cause ?? error);
      throw new WardenUnavailableError(`${path}: ${reason}`);
    } finally {
      clearTimeout(timer);
    }
    if ((response.status >= 200 && response.status < 300) || expected(response.status, response.headers)) return response;
    const body = await response.text().catch(() => '');
    if (response.status >= 500 || response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new WardenUnavailableError(`${path}: ${response.status}`, response.status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1_000 : undefined);
    }
    throw new WardenRefusedError(`${path}: ${response.status} ${body.slice(0, 300)}`, response.status, body);
  }
}
