import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../harness/wait-for.js';
import { startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { EDGE_KEY, SOC_KEY, TEST_API_KEYS } from '../harness/running-app.js';

const FINGERPRINT = 'fp-5ecret-f1ngerpr1nt';
const WRONG_KEY = 'wrong-key-guessed-123';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly msg: unknown;
  readonly [field: string]: unknown;
}

/**
 * What Warden writes on stdout, as a log store takes it: one JSON object per line, one shape
 * (`level`, `time`, `msg` a string, fields beside), an access line per request with the id it was
 * answered with, and not one key, password or fingerprint, even at debug level.
 */
describe('log lines', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-logs-'));
  let warden: WardenProcess;

  beforeAll(async () => {
    warden = await startWardenProcess({ WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: TEST_API_KEYS, WARDEN_LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    warden.process.child.kill('SIGTERM');
    await warden.process.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stdoutLines = (): LogLine[] =>
    warden.process
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);

  it('writes one shape, an access line per request with its id, and no secret', async () => {
    const attempt = { ip: '203.0.113.9', account: 'erin', outcome: 'failure', credentialFingerprint: FINGERPRINT };
    const posted = await fetch(`${warden.url}/v1/attempts?wait=verdict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EDGE_KEY}`, 'content-type': 'application/json', 'x-request-id': 'caller-id-1' },
      body: JSON.stringify(attempt),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-request-id')).toBe('caller-id-1');

    const checked = await fetch(`${warden.url}/v1/check?ip=203.0.113.9&account=erin&credentialFingerprint=${FINGERPRINT}`, {
      headers: { authorization: `Bearer ${EDGE_KEY}`, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(checked.status).toBe(204);
    expect(checked.headers.get('x-request-id')).toBe(TRACE_ID);

    const refused = await fetch(`${warden.url}/v1/status?ip=203.0.113.9`, { headers: { authorization: `Bearer ${WRONG_KEY}` } });
    expect(refused.status).toBe(401);
    const madeId = refused.headers.get('x-request-id');
    expect(madeId).toMatch(/^[\da-f-]{36}$/);
    // A bad body that carries a key and a fingerprint, and a path no route has.
    await fetch(`${warden.url}/v1/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EDGE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...attempt, key: SOC_KEY, outcome: 'maybe' }),
    });
    expect((await fetch(`${warden.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${SOC_KEY}` } })).status).toBe(404);
    await fetch(`${warden.url}/v1/incidents?subject=account:erin`, { headers: { authorization: `Bearer ${SOC_KEY}` } });

    // The last request's line is the last to come.
    const lines = await waitFor('the access line of the last request', async () => {
      const all = stdoutLines();
      return all.some((line) => line.msg === 'request' && line.route === '/v1/incidents') ? all : undefined;
    }, 10_000);

    for (const line of lines) {
      expect(['info', 'warn', 'error', 'debug']).toContain(line.level);
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(typeof line.msg).toBe('string');
    }
    const access = lines.filter((line) => line.msg === 'request');
    expect(access).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', route: '/v1/attempts', status: 200, requestId: 'caller-id-1', durationMs: expect.any(Number) }),
        expect.objectContaining({ method: 'GET', route: '/v1/check', status: 204, requestId: TRACE_ID }),
        expect.objectContaining({ method: 'GET', route: '/v1/status', status: 401, requestId: madeId }),
        expect.objectContaining({ method: 'POST', route: '/v1/attempts', status: 400 }),
        expect.objectContaining({ method: 'GET', route: 'unmatched', status: 404 }),
        expect.objectContaining({ method: 'GET', route: '/v1/incidents', status: 200 }),
      ]),
    );

    const output = warden.process.output();
    const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
    for (const secret of [EDGE_KEY, SOC_KEY, WRONG_KEY, FINGERPRINT, password]) expect(output).not.toContain(secret);
  });
});
