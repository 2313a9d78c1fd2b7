import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { EDGE_KEY, TEST_API_KEYS, uniqueTopicPrefix } from '../harness/running-app.js';
import { eventually } from '../harness/wait-for.js';

/** Debian's `prometheus` package ships it (`.ci/run` installs it). */
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
if (!PROMTOOL) process.stderr.write('metrics-exposition: promtool is not installed (apt-get install prometheus); its checks are skipped\n');
const withPromtool = PROMTOOL ? it : it.skip;

/** `promtool check metrics` on an exposition: its exit code and what it said (lint problems). */
function promtoolCheck(exposition: string): { status: number | null; said: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: run.status, said: `${run.stdout}${run.stderr}`.trim() };
}

const metricsOf = async (url: string) => (await fetch(`${url}/metrics`)).text();

/** Every Warden metric, and the app(s) that expose it (warden, all in one process, has them all). */
const WARDEN_METRICS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['warden_http_request_duration_seconds', ['gateway-api', 'ban-engine', 'audit']],
  ['warden_api_key_refusals_total', ['gateway-api', 'audit']],
  ['warden_dlq_records_total', ['gateway-api', 'ban-engine', 'audit']],
  ['warden_consumer_lag_records', ['gateway-api', 'ban-engine', 'audit']],
  ['warden_attempts_accepted_total', ['gateway-api']],
  ['warden_gateway_view_decisions', ['gateway-api']],
  ['warden_active_bans', ['gateway-api']],
  ['warden_decision_stream_clients', ['gateway-api']],
  ['warden_engine_attempts_total', ['ban-engine']],
  ['warden_engine_batch_failures_total', ['ban-engine']],
  ['warden_engine_decisions_total', ['ban-engine']],
  ['warden_engine_event_lag_seconds', ['ban-engine']],
  ['warden_engine_checkpoint_age_seconds', ['ban-engine']],
  ['warden_audit_incidents_total', ['audit']],
];

/** The value of the first sample of `name` whose labels include `labels`, whatever their order. */
function sample(exposition: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const has = new Set([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => `${key}=${value}`));
    if (Object.entries(labels).every(([key, value]) => has.has(`${key}=${value}`))) return Number(match[3]);
  }
  return undefined;
}

const families = (exposition: string) => new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));

/**
 * Every app's `/metrics` passes `promtool check metrics` (names, suffixes, help, types), after
 * traffic that fills the labelled series; the metrics docs/operations.md lists are there.
 */
describe('metrics exposition', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-metrics-'));
  let warden: WardenProcess;
  const apps: Array<{ name: string; process: AppProcess; url: string }> = [];

  beforeAll(async () => {
    const prefix = uniqueTopicPrefix('metrics');
    const base = { PATH: process.env.PATH, KAFKA_BROKERS: process.env.KAFKA_BROKERS, DATABASE_URL: process.env.DATABASE_URL, WARDEN_API_KEYS: TEST_API_KEYS, WARDEN_TOPIC_PREFIX: prefix, WARDEN_LOG_LEVEL: 'warn' };
    const started = await Promise.all(
      ['gateway-api', 'ban-engine', 'audit'].map(async (name) => {
        const port = await freePort();
        const running = spawnApp(name, { ...base, PORT: String(port) });
        const url = `http://127.0.0.1:${port}`;
        await waitUntilReady(running, url);
        return { name, process: running, url };
      }),
    );
    apps.push(...started);
    warden = await startWardenProcess({ WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: TEST_API_KEYS });
  });

  afterAll(async () => {
    for (const running of [...apps.map((app) => app.process), warden?.process]) running?.child.kill('SIGTERM');
    await Promise.all([...apps.map((app) => app.process.exited()), warden?.process.exited()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has every metric of docs/operations.md, with traffic in its labelled series', async () => {
    const failures = Array.from({ length: 5 }, () => ({ ip: '198.51.100.40', account: 'metrics', outcome: 'failure' }));
    const posted = await fetch(`${warden.url}/v1/attempts?wait=verdict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EDGE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(failures),
    });
    expect(posted.status).toBe(200);
    await fetch(`${warden.url}/v1/check?ip=198.51.100.40&account=metrics`, { headers: { authorization: `Bearer ${EDGE_KEY}` } });
    await fetch(`${warden.url}/v1/status?ip=198.51.100.40`, { headers: { authorization: 'Bearer not-a-key-at-all' } });
    await fetch(`${warden.url}/v1/incidents`, { headers: { authorization: `Bearer ${EDGE_KEY}` } });

    await eventually(async () => {
      const text = await metricsOf(warden.url);
      expect([...families(text)]).toEqual(expect.arrayContaining(WARDEN_METRICS.map(([name]) => name)));
      expect(sample(text, 'warden_engine_decisions_total', { rule: 'account-ip-failures', decision: 'ban_imposed', mode: 'enforce' })).toBe(1);
      expect(sample(text, 'warden_active_bans', { scope: 'account-ip' })).toBe(1);
      expect(sample(text, 'warden_active_bans', { scope: 'ip' })).toBe(0);
      expect(sample(text, 'warden_api_key_refusals_total', { reason: 'bad_key' })).toBe(1);
      expect(sample(text, 'warden_http_request_duration_seconds_count', { method: 'GET', route: '/v1/check' })).toBe(1);
      expect(sample(text, 'warden_http_request_duration_seconds_count', { method: 'GET', route: '/v1/status', status: '401' })).toBe(1);
      expect(sample(text, 'warden_consumer_lag_records', { topic: 'auth.login-attempts', group: 'warden-ban-engine' })).toBe(0);
      expect(sample(text, 'warden_engine_event_lag_seconds', {})).toBeGreaterThanOrEqual(0);
    });
    for (const app of apps) {
      const names = families(await metricsOf(app.url));
      for (const [metric, exposedBy] of WARDEN_METRICS) if (exposedBy.includes(app.name)) expect({ app: app.name, metric, exposed: names.has(metric) }).toEqual({ app: app.name, metric, exposed: true });
    }
  });

  withPromtool('passes promtool check metrics on every app', async () => {
    for (const [name, url] of [['warden', warden.url], ...apps.map((app) => [app.name, app.url])] as const) {
      expect({ app: name, ...promtoolCheck(await metricsOf(url!)) }).toEqual({ app: name, status: 0, said: '' });
    }
  });
});
