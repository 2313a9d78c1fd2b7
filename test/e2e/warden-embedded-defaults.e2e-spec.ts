import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnApp } from '../harness/app-process.js';
import { keptApiKey, listeningAddressesOf, startEmbeddedWarden, type WardenProcess } from '../harness/embedded-warden.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** `npm run reset` as built: the exit code and what it printed. */
async function reset(dataDir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(process.cwd(), 'dist/apps/warden/src/reset.js'), ...args], {
      env: { PATH: process.env.PATH, WARDEN_DATA_DIR: dataDir },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/**
 * The embedded default as a new operator meets it: loopback only, the key shown once, readiness
 * that names what runs, and a data folder that can be thrown away and started afresh, also when
 * (as root, in a folder closed to others) its cluster lives under /var/lib/warden.
 */
describe('warden embedded: safe defaults', () => {
  // Closed to others as mkdtemp makes it: as root, the cluster goes to /var/lib/warden.
  const parent = mkdtempSync(join(tmpdir(), 'warden-e2e-defaults-'));
  const dataDir = join(parent, '.warden');
  let warden: WardenProcess | undefined;
  let cluster: string | undefined;

  const stop = async () => {
    warden?.process.child.kill('SIGTERM');
    expect(await warden?.process.exited()).toBe(0);
    warden = undefined;
  };

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    rmSync(parent, { recursive: true, force: true });
    if (cluster) rmSync(cluster, { recursive: true, force: true });
  });

  it('listens on loopback only, shows the key on its first start only, and names its parts in readiness', async () => {
    warden = await startEmbeddedWarden(dataDir);
    const key = keptApiKey(dataDir);
    const port = Number(new URL(warden.url).port);
    expect(listeningAddressesOf(warden.process.child.pid!, port)).toEqual(['127.0.0.1', '::1']);
    expect((await fetch(`http://[::1]:${port}/health/live`)).status).toBe(200);
    expect(occurrences(warden.process.output(), key)).toBe(1);

    const ready = await fetch(`${warden.url}/health/ready`);
    const body = (await ready.json()) as { checks: Record<string, string>; parts: Record<string, string> };
    expect(body.checks).toMatchObject({ bus: 'up', postgres: 'up' });
    expect(body.checks).not.toHaveProperty('kafka');
    expect(body.parts).toEqual({ bus: 'in-process', postgres: expect.stringMatching(/^embedded PostgreSQL \d+/) });

    await stop();
    warden = await startEmbeddedWarden(dataDir);
    expect(warden.process.output()).not.toContain(key);
    expect(warden.process.output()).toContain(`kept in ${join(dataDir, 'api-key')}`);
    await stop();
  });

  (isRoot ? it : it.skip)('after rm -rf of the data folder, says what to do; npm run reset removes both, after asking', async () => {
    cluster = readFileSync(join(dataDir, 'postgres-cluster'), 'utf8').trim();
    rmSync(dataDir, { recursive: true });

    const orphaned = spawnApp('warden', { PATH: process.env.PATH, WARDEN_DATA_DIR: dataDir, PORT: '0' });
    expect(await orphaned.exited()).toBe(1);
    expect(orphaned.output()).toContain(`a PostgreSQL cluster from an earlier start is in ${cluster}`);
    expect(orphaned.output()).toContain('npm run reset');

    // No terminal to ask on and no --yes: nothing goes.
    const refused = await reset(dataDir);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain(cluster);
    expect(existsSync(cluster)).toBe(true);

    const done = await reset(dataDir, '--yes');
    expect(done).toMatchObject({ code: 0 });
    expect(existsSync(cluster)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);

    warden = await startEmbeddedWarden(dataDir);
    expect(warden.process.output()).toContain(keptApiKey(dataDir));
  });

  it('refuses to reset a folder that is not a Warden data folder', async () => {
    const other = join(parent, 'not-warden');
    mkdirSync(join(other, 'src'), { recursive: true });
    const refused = await reset(other, '--yes');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('not a Warden data folder');
    expect(existsSync(join(other, 'src'))).toBe(true);
  });
});
