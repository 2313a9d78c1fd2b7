import { API_KEY_FILE, DEFAULT_DATA_DIR } from '../connection/warden-connection.js';
import { WardenError, WardenHttpError } from '../warden-error.js';

/** What a request is for, so a refusal can say what the key may not do and which scope it lacks. */
export interface Call {
  /** `read incidents`: completes "Warden could not …" and "The API key may not …". */
  readonly what: string;
  readonly scope: string;
}

export interface SendOptions {
  /** Send the API key (every /v1 route); health routes need none. */
  readonly authorized?: boolean;
  /** Sent as JSON. */
  readonly body?: unknown;
}

/** How long Warden may take to start answering (a streamed body may take longer to end). */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * The HTTP part of talking to Warden (DESIGN §5): the Bearer key, errors a user can act on (Warden
 * unreachable, key refused, scope missing, problem+json details). The CLI's calls and the demo's
 * go through it.
 */
export class WardenHttp {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** The answer, whatever its status. Throws WardenError when Warden cannot be reached. */
  async send(method: string, path: string, options: SendOptions = {}): Promise<Response> {
    const headers: Record<string, string> = options.authorized === false ? {} : { authorization: `Bearer ${this.apiKey}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    // Bounds the wait for the answer to start, not a long body (an export) after it.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('no answer', 'TimeoutError')), ANSWER_TIMEOUT_MS);
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: abort.signal,
      });
    } catch (error) {
      throw new WardenError(
        `Cannot reach Warden at ${this.baseUrl} (${reasonOf(error)}). Start it with \`npm start\` in another shell, ` +
          'or give its address with --url or WARDEN_URL.',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends and reads the JSON body of a 2xx answer; any other status throws a WardenHttpError. */
  async json<T>(method: string, path: string, call: Call, body?: unknown): Promise<T> {
    return (await this.read(await this.send(method, path, { body }), call)) as T;
  }

  /** The JSON body of a 2xx answer; any other status becomes a message naming the cause. */
  async read(response: Response, call: Call): Promise<unknown> {
    await this.ensureOk(response, call);
    return response.json();
  }

  /** Throws a WardenHttpError for a status other than 2xx, else returns with the body unread. */
  async ensureOk(response: Response, call: Call): Promise<void> {
    if (response.ok) return;
    const detail = await problemDetail(response);
    if (response.status === 401) {
      throw new WardenHttpError(
        401,
        `Warden refused the API key (401: ${detail}). Pass the right one with --key or WARDEN_API_KEY; ` +
          `\`npm start\` prints it at start and keeps it in its data folder (${DEFAULT_DATA_DIR}/${API_KEY_FILE} by default).`,
      );
    }
    if (response.status === 403) {
      throw new WardenHttpError(403, `The API key may not ${call.what}: it needs the ${call.scope} scope (403: ${detail}).`);
    }
    throw new WardenHttpError(response.status, `Warden could not ${call.what}: ${response.status} ${detail}`);
  }
}

/**
 * A problem+json answer's detail (with the fields at fault), the message of Fastify's own error
 * answer (its 503 while Warden closes), else the body as it is.
 */
async function problemDetail(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string; message?: string; errors?: { field?: string; message?: string }[] };
    const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.message}`);
    const detail = problem.detail ?? problem.title ?? problem.message ?? text;
    return fields.length > 0 && !fields.every((field) => detail.includes(field)) ? `${detail} (${fields.join('; ')})` : detail;
  } catch {
    return text || response.statusText;
  }
}

/** Why fetch failed. Read by shape, not `instanceof Error`: fetch's errors may come from another realm (a test's VM context). */
function reasonOf(error: unknown): string {
  const failure = typeof error === 'object' && error !== null ? (error as { name?: unknown; cause?: { code?: string; message?: string } }) : {};
  if (failure.name === 'TimeoutError') return `no answer within ${ANSWER_TIMEOUT_MS / 1_000} s`;
  return failure.cause?.code ?? failure.cause?.message ?? String(error);
}
