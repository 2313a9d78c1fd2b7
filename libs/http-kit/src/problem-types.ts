/** One kind of problem Warden answers with, as its page at `/problems/<slug>` describes it. */
export interface ProblemType {
  readonly status: number;
  readonly title: string;
  /** What happened and what the client can do, in a sentence or two. */
  readonly description: string;
}

/**
 * Every problem type Warden's HTTP apps emit (RFC 9457 `type`, and `errorCode` in the body), by
 * its error code. `problem()` takes only these codes, so a new one needs its entry (and page)
 * here; docs/problems.md lists the same table.
 */
export const PROBLEM_TYPES = {
  validation_failed: {
    status: 400,
    title: 'Validation failed',
    description: 'A query parameter or body field is missing, out of range, malformed or unknown to the endpoint. `errors[]` names each one (`field`) and says what it must be (`message`).',
  },
  invalid_body: { status: 400, title: 'Invalid body', description: 'The body is not what the endpoint takes at all (e.g. `POST /v1/attempts` needs an attempt object or a non-empty array of them).' },
  invalid_json: { status: 400, title: 'Invalid JSON', description: 'The body is empty or does not parse as JSON.' },
  invalid_content_length: { status: 400, title: 'Invalid Content-Length', description: 'The `Content-Length` header does not match the body sent.' },
  invalid_url: { status: 400, title: 'Invalid URL', description: 'The URL is not validly percent-encoded (RFC 3986), holds a NUL (`%00`), or cannot be routed.' },
  invalid_subject: {
    status: 400,
    title: 'Invalid subject',
    description: 'The `{subject}` of the path names no subject: use `ip:<addr>`, `range:<cidr>`, `account:<name>`, `account-ip:<name>|<addr>` or `account-credential:<name>|<fingerprint>`, URL-encoded.',
  },
  invalid_last_event_id: { status: 400, title: 'Invalid Last-Event-ID', description: 'The `Last-Event-ID` of the decision stream is not an event id this server gave out; reconnect without it to start from the current state.' },
  invalid_policy: { status: 400, title: 'Invalid policy', description: 'The candidate policy of a backtest does not validate; `errors[]` names each bad field, as a start with that `WARDEN_POLICY` would.' },
  bad_request: { status: 400, title: 'Bad request', description: 'The request is not valid HTTP/1.1.' },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description: 'No valid API key: send `Authorization: Bearer <key>` with a key of `WARDEN_API_KEYS`. From `GET /v1/check` it is also the answer while an invisible ban applies, which says no more than a wrong password would.',
  },
  forbidden: { status: 403, title: 'Forbidden', description: 'The API key is valid but lacks the scope the endpoint needs (`attempts:write`, `status:read`, `audit:read` or `bans:write`).' },
  not_found: { status: 404, title: 'Not found', description: 'No such path (or no such problem type).' },
  ban_not_found: { status: 404, title: 'Ban not found', description: 'The subject has never been banned, so there is nothing to explain.' },
  console_not_built: { status: 404, title: 'Console not built', description: 'The web console\'s files are missing: run `npm run build` before starting Warden.' },
  method_not_allowed: { status: 405, title: 'Method not allowed', description: 'The path is served, with other methods; the `Allow` header lists them.' },
  request_timeout: { status: 408, title: 'Request timeout', description: 'The request did not arrive in time.' },
  body_too_large: { status: 413, title: 'Body too large', description: 'The body is larger than `WARDEN_MAX_BODY_BYTES` (2 MiB by default).' },
  batch_too_large: { status: 413, title: 'Batch too large', description: '`POST /v1/attempts` takes at most 1,000 attempts per request: split the array.' },
  uri_too_long: { status: 414, title: 'URI too long', description: 'A path parameter is longer than this server accepts.' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', description: 'A body must be sent as `Content-Type: application/json` (a backtest\'s policy may also be YAML).' },
  banned: {
    status: 429,
    title: 'Banned',
    description: 'From `GET /v1/check`: a visible ban applies to the caller. Wait `Retry-After` seconds (the longest ban that applies) before the next attempt.',
  },
  too_many_bad_keys: {
    status: 429,
    title: 'Too many bad API keys',
    description: 'This address presented too many bad API keys and is throttled, even with a good key, for `Retry-After` seconds.',
  },
  too_many_concurrent_requests: {
    status: 429,
    title: 'Too many concurrent requests',
    description: 'This API key already has as many requests in flight on this heavy endpoint (verify, export, stats, backtest) as `WARDEN_HEAVY_REQUESTS_PER_KEY` allows. Wait for it to end, or `Retry-After` seconds.',
  },
  headers_too_large: { status: 431, title: 'Request header fields too large', description: 'The request headers are larger than this server accepts.' },
  http_error: { status: 400, title: 'HTTP error', description: 'A request the HTTP layer refused for a reason this list has no entry for; `status` and `detail` say which.' },
  internal_error: { status: 500, title: 'Internal error', description: 'Something failed on Warden\'s side. It was logged with the request id (`X-Request-Id`); nothing of its internals is shown.' },
  method_not_implemented: { status: 501, title: 'Method not implemented', description: 'The request method is not one this server implements; Warden uses GET, HEAD, POST and DELETE.' },
  verdict_timeout: {
    status: 504,
    title: 'Verdict timeout',
    description: 'With `?wait=verdict`: the attempts were accepted, but the engine\'s verdicts did not come within `WARDEN_VERDICT_TIMEOUT_MS`. Sending them again with the same ids is safe: each counts once.',
  },
} as const satisfies Record<string, ProblemType>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

/** `too_many_bad_keys` → `too-many-bad-keys`. */
export const problemSlug = (code: ProblemCode): string => code.replaceAll('_', '-');

/** The code of a slug, or undefined when no problem type has it. */
export function problemCodeOfSlug(slug: string): ProblemCode | undefined {
  const code = slug.replaceAll('-', '_');
  return Object.hasOwn(PROBLEM_TYPES, code) ? (code as ProblemCode) : undefined;
}

/**
 * A problem's `type`: a relative URI reference (RFC 9457 §3.1.1), resolved against the request's
 * own URL, so it names the page of the very server (or proxy) that answered, with no host to
 * configure or trust from a `Host` header.
 */
export const problemTypeUri = (code: ProblemCode): string => `/problems/${problemSlug(code)}`;
