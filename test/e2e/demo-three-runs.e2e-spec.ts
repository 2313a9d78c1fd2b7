import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedServer, startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { runProgram } from '../harness/run-program.js';

const KEY = 'e2e-demo-key';

const demo = (url: string) => runProgram(process.execPath, ['dist/scripts/demo.js', '--url', url, '--key', KEY], { PATH: process.env.PATH }, 300_000);

/**
 * Issue 19: run twice in a row, the demo banned its own office and 440 of its normal users and
 * still exited 0. Now typos are forgiven, and the demo checks every normal user's login and exits
 * non-zero on a false positive: three runs in a row on one fresh Warden ban no normal user.
 */
describe('npm run demo, three times in a row on one Warden', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-demo-'));
  let warden: WardenProcess | undefined;

  beforeAll(async () => {
    warden = await startWardenProcess({ WARDEN_DATA_DIR: dataDir, WARDEN_API_KEYS: `demo:${KEY}:*` });
  });

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    if (existsSync(join(dataDir, 'postgres', 'postmaster.pid'))) process.kill(embeddedServer(dataDir).pid, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bans every attack and no normal user or network, each time', async () => {
    for (let run = 1; run <= 3; run++) {
      const output = await demo(warden!.url);
      expect({ run, code: output.code, stderr: output.stderr }).toEqual({ run, code: 0, stderr: '' });
      expect(output.stdout).toContain('normal users: none banned');
      expect(output.stdout).not.toContain('FALSE POSITIVES');
      expect(output.stdout).not.toMatch(/range:(192\.0\.2|198\.51\.100)\.0\/24/);
    }
  }, 400_000);
});
