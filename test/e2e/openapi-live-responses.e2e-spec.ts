import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOpenApiDocument, BAD_KEY_LIMIT, PROBLEM_TYPES, problemSlug, type ProblemCode } from '#warden/http-kit';
import { embeddedServer, startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { OpenApiResponses } from '../harness/openapi-responses.js';
import { waitFor } from '../harness/wait-for.js';

const KEY = 'openapi-live-all-0001';
/** A key with status:read only: a 403 everywhere else. */
const READER = 'openapi-live-reader-0001';
const BANNED_IP = '198.51.100.20';
const subjectPath = (subject: string) => encodeURIComponent(subject);

/**
 * docs/openapi.yaml against the answers of a running Warden (the embedded default): every
 * operation the document lists is called, and each answer must have a status the operation lists,
 * a body its schema accepts and the headers it requires. Operations come from the document: one
 * without a call here fails the test, so the document and the server cannot drift apart silently.
 */
describe('docs/openapi.yaml against a running Warden', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-openapi-'));
  const { document } = readOpenApiDocument();
  const responses = new OpenApiResponses(document);
  let warden: WardenProcess;

  beforeAll(async () => {
    warden = await startWardenProcess({ WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: `all:${KEY}:*;reader:${READER}:status:read` });
  });

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    if (existsSync(join(dataDir, 'postgres', 'postmaster.pid'))) process.kill(embeddedServer(dataDir).pid, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  interface CallOptions {
    readonly key?: string | null;
    readonly body?: unknown;
    readonly type?: string;
    readonly headers?: Record<string, string>;
  }
  const call = (method: string, path: string, { key = KEY, body, type = 'application/json', headers = {} }: CallOptions = {}) =>
    fetch(`${warden.url}${path}`, {
      method,
      headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'content-type': type }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const get = (path: string, options?: CallOptions) => call('GET', path, options);
  const post = (path: string, body: unknown, options?: CallOptions) => call('POST', path, { ...options, body });
  /** A stream's answer with its headers only: the stream itself never ends. */
  const headersOf = async (path: string, headers: Record<string, string> = {}) => {
    const abort = new AbortController();
    const response = await fetch(`${warden.url}${path}`, { headers: { authorization: `Bearer ${KEY}`, ...headers }, signal: abort.signal });
    if (response.status !== 200) return response;
    abort.abort();
    return new Response('', { status: response.status, headers: response.headers });
  };
  const consoleAsset = async () => {
    const page = await (await get('/ui')).text();
    const asset = /\/ui\/assets\/([^"']+)/.exec(page)?.[1];
    if (!asset) throw new Error('the console page names no asset');
    return get(`/ui/assets/${asset}`);
  };

  /** For each operation, the calls that exercise it (in this order: the manual ban first, what reads it after). */
  const calls: Array<[operationId: string, () => Promise<Response>]> = [
    ['banSubject', () => post('/v1/bans', { ip: BANNED_IP, durationSeconds: 600, reason: 'openapi live test' })],
    ['banSubject', () => post('/v1/bans', { durationSeconds: 600 })],
    ['explainBan', () => waitFor('the manual ban applied', async () => {
      const response = await get(`/v1/bans/${subjectPath(`ip:${BANNED_IP}`)}/explain`);
      return response.status === 200 ? response : undefined;
    })],
    ['explainBan', () => get(`/v1/bans/${subjectPath('ip:192.0.2.99')}/explain`)],
    ['explainBan', () => get('/v1/bans/nobody/explain')],
    ['submitAttempts', () => post('/v1/attempts', { outcome: 'success', ip: '192.0.2.10', account: 'dora' })],
    ['submitAttempts', () => post('/v1/attempts?wait=verdict', [{ outcome: 'failure', ip: '192.0.2.11', account: 'erin' }])],
    ['submitAttempts', () => post('/v1/attempts', { outcome: 'maybe' })],
    ['submitAttempts', () => post('/v1/attempts', 'outcome=failure', { type: 'text/plain' })],
    ['submitAttempts', () => post('/v1/attempts', { outcome: 'success', ip: '192.0.2.10' }, { key: null })],
    ['submitAttempts', () => post('/v1/attempts', { outcome: 'success', ip: '192.0.2.10' }, { key: READER })],
    ['getStatus', () => get('/v1/status?ip=192.0.2.10')],
    ['getStatus', () => get(`/v1/status?ip=${BANNED_IP}`)],
    ['getStatus', () => get('/v1/status')],
    ['check', () => get('/v1/check?ip=192.0.2.10')],
    ['check', () => get(`/v1/check?ip=${BANNED_IP}`)],
    ['check', () => get('/v1/check?ip=nope')],
    ['check', () => get('/v1/check?ip=192.0.2.10', { key: null })],
    ['checkForwardedPath', () => get('/v1/check/app/login?ip=192.0.2.10')],
    ['checkForwardedPath', () => get(`/v1/check/app/login?ip=${BANNED_IP}`)],
    ['streamDecisions', () => headersOf('/v1/decisions/stream')],
    ['streamDecisions', () => headersOf('/v1/decisions/stream', { 'last-event-id': 'not-a-cursor' })],
    ['listBans', () => get('/v1/bans')],
    ['listBans', () => get('/v1/bans?limit=5000&scope=nope')],
    ['unbanSubject', () => call('DELETE', `/v1/bans/${subjectPath('ip:192.0.2.98')}?reason=${encodeURIComponent('openapi live test')}`)],
    ['unbanSubject', () => call('DELETE', `/v1/bans/${subjectPath('ip:192.0.2.98')}`)],
    ['searchIncidents', () => get('/v1/incidents')],
    ['searchIncidents', () => get('/v1/incidents?limit=5000&type=nope&from=yesterday')],
    ['exportIncidents', () => get('/v1/incidents/export')],
    ['exportIncidents', () => get('/v1/incidents/export?format=csv')],
    ['exportIncidents', () => get('/v1/incidents/export?format=xml')],
    ['verifyAuditLog', () => get('/v1/audit/verify')],
    ['verifyAuditLog', () => get('/v1/audit/verify?head=nope')],
    ['getStats', () => get('/v1/stats?window=15m')],
    ['getStats', () => get('/v1/stats?window=2h')],
    ['backtestPolicy', () => post('/v1/policy/backtest', '{}')],
    ['backtestPolicy', () => post('/v1/policy/backtest', 'rules: {mine: {counts: failures}}', { type: 'application/yaml' })],
    ['backtestPolicy', () => post('/v1/policy/backtest', '{}', { key: READER })],
    ['live', () => get('/health/live', { key: null, headers: { 'x-request-id': 'probe-1' } })],
    ['ready', () => get('/health/ready', { key: null })],
    ['metrics', () => get('/metrics', { key: null })],
    ['consolePage', () => get('/ui', { key: null })],
    ['consoleAsset', consoleAsset],
    ['consoleAsset', () => get('/ui/assets/nope.js', { key: null })],
    ['docsPage', () => get('/docs', { key: null })],
    ['openApiYaml', () => get('/docs/openapi.yaml', { key: null })],
    ['openApiJson', () => get('/docs/openapi.json', { key: null })],
    ['listProblemTypes', () => get('/problems', { key: null })],
    // Every problem type the server can emit has its page (problem() takes only the table's codes).
    ...(Object.keys(PROBLEM_TYPES) as ProblemCode[]).map((code): [string, () => Promise<Response>] => ['describeProblemType', () => get(`/problems/${problemSlug(code)}`, { key: null })]),
    ['describeProblemType', () => get('/problems/no-such-problem', { key: null })],
  ];

  it('calls every operation of the document', () => {
    expect([...new Set(calls.map(([operationId]) => operationId))].sort()).toEqual(responses.operations().map((operation) => operation.operationId).sort());
  });

  it('answers every call with a status, headers and a body the document gives for its operation', async () => {
    const problems: string[] = [];
    const statuses: string[] = [];
    for (const [operationId, send] of calls) {
      const response = await send();
      statuses.push(`${operationId} ${response.status}`);
      if (!response.headers.get('x-request-id')) problems.push(`${operationId} ${response.status}: no X-Request-Id`);
      const copy = response.clone();
      problems.push(...(await responses.problemsOf(operationId, response)));
      if ((copy.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
        // A problem's type resolves, against the URL of the request, to its page.
        const { type } = (await copy.json()) as { type: string };
        const page = await fetch(new URL(type, copy.url.startsWith('http') ? copy.url : warden.url));
        if (page.status !== 200) problems.push(`${operationId} ${response.status}: its type ${type} answers ${page.status}`);
      }
    }
    expect(problems).toEqual([]);
    // The calls reached what they meant to: the happy paths and the documented refusals.
    expect(statuses).toEqual(expect.arrayContaining([
      'banSubject 202', 'banSubject 400', 'explainBan 200', 'explainBan 404', 'explainBan 400', 'submitAttempts 202', 'submitAttempts 200',
      'submitAttempts 400', 'submitAttempts 415', 'submitAttempts 401', 'submitAttempts 403', 'getStatus 200', 'getStatus 400', 'check 204',
      'check 429', 'check 400', 'check 401', 'checkForwardedPath 204', 'checkForwardedPath 429', 'streamDecisions 200', 'streamDecisions 400',
      'listBans 200', 'listBans 400', 'unbanSubject 202', 'unbanSubject 400', 'searchIncidents 200', 'searchIncidents 400', 'exportIncidents 200',
      'exportIncidents 400', 'verifyAuditLog 200', 'verifyAuditLog 400', 'getStats 200', 'getStats 400', 'backtestPolicy 200', 'backtestPolicy 400',
      'backtestPolicy 403', 'live 200', 'ready 200', 'metrics 200', 'consolePage 200', 'consoleAsset 200', 'consoleAsset 404', 'docsPage 200',
      'openApiYaml 200', 'openApiJson 200', 'listProblemTypes 200', 'describeProblemType 200', 'describeProblemType 404',
    ]));
  });

  it('out-of-range values are named as such, never as missing', async () => {
    const answer = (await (await get('/v1/incidents?limit=5000&type=nope&from=yesterday')).json()) as { errors: Array<{ field: string; message: string }> };
    expect(answer.errors.map((error) => error.field).sort()).toEqual(['from', 'limit', 'type']);
    expect(answer.errors.filter((error) => error.message === 'is required')).toEqual([]);
    const format = (await (await get('/v1/incidents/export?format=xml')).json()) as { errors: Array<{ field: string; message: string }> };
    expect(format.errors).toEqual([{ field: 'format', message: 'must be one of ndjson, csv' }]);
  });

  it('answers an unknown path 404 and a wrong method 405 with Allow, both as problems', async () => {
    const unknown = await get('/v2/nothing');
    expect(unknown.status).toBe(404);
    expect(responses.schemaProblems('/components/schemas/Problem', await unknown.json())).toEqual([]);
    const wrongMethod = await post('/v1/status', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(responses.schemaProblems('/components/schemas/Problem', await wrongMethod.json())).toEqual([]);
  });

  // Last: it throttles this test's own address.
  it('answers every authenticated operation 429 too_many_bad_keys, as documented, once the address sent too many bad keys', async () => {
    for (let sent = 0; sent < BAD_KEY_LIMIT; sent++) await get('/v1/status?ip=192.0.2.1', { key: `wrong-key-${sent}` });
    const problems: string[] = [];
    const authenticated = responses.operations().filter((operation) => operation.authenticated);
    expect(authenticated.length).toBeGreaterThanOrEqual(14);
    for (const { operationId, method, path } of authenticated) {
      const url = path.replace('{subject}', subjectPath(`ip:${BANNED_IP}`)).replace('{forwardedPath}', 'app/login');
      const response = await call(method, `${url}${method === 'DELETE' ? '?reason=x' : ''}`, method === 'POST' ? { body: '{}' } : {});
      const copy = response.clone();
      problems.push(...(await responses.problemsOf(operationId, response)));
      const body = response.status === 429 ? ((await copy.json()) as { errorCode: string }) : undefined;
      if (body?.errorCode !== 'too_many_bad_keys') problems.push(`${operationId}: ${response.status} ${body?.errorCode ?? ''}, not a too_many_bad_keys 429`);
      else if (copy.headers.get('ratelimit') !== `"bad-api-keys";r=0;t=${copy.headers.get('retry-after')}`) problems.push(`${operationId}: RateLimit ${copy.headers.get('ratelimit')}`);
    }
    expect(problems).toEqual([]);
  });
});
