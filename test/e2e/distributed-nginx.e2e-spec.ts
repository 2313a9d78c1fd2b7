import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from '../harness/app-process.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { uniqueTopicPrefix } from '../harness/running-app.js';
import { eventually, waitFor } from '../harness/wait-for.js';

const NGINX = process.env.NGINX_BINARY ?? '/usr/sbin/nginx';
const ALL_SCOPES_KEY = 'all-scopes-key-0001';
const SUBJECT = 'account-ip:alice|203.0.113.7';

/** The nginx configuration of docs/distributed.md, as written. */
function documentedConfig(): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(readFileSync(join(process.cwd(), 'docs/distributed.md'), 'utf8'))?.[1];
  if (!block) throw new Error('docs/distributed.md has no nginx block');
  return block;
}

/** The README walkthrough's command blocks after its setup block (which reads the embedded mode's key file). */
function walkthroughSteps(): string[] {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- walkthrough:start -->'), readme.indexOf('<!-- walkthrough:end -->'));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!).slice(1);
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-u', '-o', 'pipefail', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The three apps on their own, behind Debian's nginx with docs/distributed.md's configuration as
 * the one address: the README's walkthrough, run as written against it, gets the answers the
 * embedded Warden gives.
 */
describe('distributed apps behind one nginx address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-distributed-nginx-'));
  const apps: AppProcess[] = [];
  let nginx: ChildProcess | undefined;
  let url: string;
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    // A database of its own: the walkthrough's audit log must hold its own incidents only.
    databaseUrl = await createDatabase('warden_distributed');
    const env = {
      PATH: process.env.PATH,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      DATABASE_URL: databaseUrl,
      WARDEN_API_KEYS: `walkthrough:${ALL_SCOPES_KEY}:*`,
      WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('distributed'),
      WARDEN_TRUSTED_PROXIES: '127.0.0.1',
      WARDEN_LOG_LEVEL: 'warn',
    };
    const ports = { gateway: await freePort(), engine: await freePort(), audit: await freePort(), nginx: await freePort() };
    for (const [name, port] of [['gateway-api', ports.gateway], ['ban-engine', ports.engine], ['audit', ports.audit]] as const) {
      const running = spawnApp(name, { ...env, PORT: String(port) });
      apps.push(running);
      await waitUntilReady(running, `http://127.0.0.1:${port}`);
    }
    const http = documentedConfig()
      .replace('server 127.0.0.1:3001;', `server 127.0.0.1:${ports.gateway};`)
      .replace('server 127.0.0.1:3003;', `server 127.0.0.1:${ports.audit};`)
      .replace('listen 127.0.0.1:3000;', `listen 127.0.0.1:${ports.nginx};`);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(dir, name)};`).join('\n  ');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;\nmaster_process off;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\n` +
        `events { worker_connections 64; }\nhttp {\n  access_log off;\n  ${temp}\n${http}\n}\n`,
    );
    const tested = spawn(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
    expect(await new Promise((resolve) => tested.once('exit', resolve))).toBe(0);
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
    url = `http://127.0.0.1:${ports.nginx}`;
    await waitFor('nginx to listen', async () => ((await fetch(`${url}/docs/openapi.json`).catch(() => undefined))?.status === 200 ? true : undefined), 15_000);
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    for (const app of apps) app.child.kill('SIGTERM');
    await Promise.all(apps.map((app) => app.exited()));
    if (databaseUrl) await dropDatabase(databaseUrl);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the README's walkthrough through the one address", async () => {
    const steps = walkthroughSteps();
    expect(steps).toHaveLength(8);
    const env = { PATH: process.env.PATH, WARDEN_URL: url, WARDEN_API_KEY: ALL_SCOPES_KEY };
    const run = async (i: number) => {
      const output = await bash(steps[i]!, env);
      expect({ step: i, code: output.code, stderr: output.stderr }).toEqual({ step: i, code: 0, stderr: '' });
      return output.stdout;
    };
    const bodyOf = (stdout: string) => JSON.parse(stdout.slice(stdout.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

    const verdicts = (await run(0)).trim().split('\n').map((line) => (JSON.parse(line) as { verdicts: Array<Record<string, unknown>> }).verdicts[0]!);
    expect(verdicts.map((verdict) => verdict.banned)).toEqual([false, false, false, false, true]);
    await eventually(async () => expect(bodyOf(await run(1))).toMatchObject({ banned: true, bans: [expect.objectContaining({ subject: SUBJECT })] }));
    expect(await run(2)).toBe('alice: 401\nbob: 204\n');
    await eventually(async () => expect(JSON.parse(await run(3))).toMatchObject({ subject: SUBJECT, status: 'active', rule: 'account-ip-failures' }));
    expect(bodyOf(await run(4))).toMatchObject({ subject: SUBJECT });
    await eventually(async () => expect(JSON.parse(await run(5))).toMatchObject({ banned: false, bans: [] }));
    await eventually(async () => {
      const { items } = JSON.parse(await run(6)) as { items: Array<{ type: string; actor: string }> };
      expect(items.map((item) => item.type)).toEqual(['manual_unban', 'ban_imposed']);
    });
    expect(JSON.parse(await run(7))).toMatchObject({ ok: true, checked: 2 });
  });

  it("answers per-app health and metrics on each app's own port, not through the shared address", async () => {
    expect((await fetch(`${url}/health/ready`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });
});
