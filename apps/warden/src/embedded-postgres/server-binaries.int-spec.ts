import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { postgresBinary } from './platform-binaries.js';
import { serverBinaries } from './server-binaries.js';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

describe('the PostgreSQL binaries Warden runs', () => {
  it('are the packaged ones when the postgres user can reach them, or when Warden is not root', async () => {
    const packaged = await postgresBinary();
    expect(serverBinaries(packaged, false).postgres).toBe(packaged);
  });

  (asRoot ? it : it.skip)('are copied where the postgres user can run them when a folder above is closed to others', async () => {
    // A package installed under a 0700 folder, as in a clone made in `mktemp -d`.
    const closed = mkdtempSync(join(tmpdir(), 'warden-closed-'));
    try {
      expect(statSync(closed).mode & 0o001).toBe(0);
      const packageDir = dirname(dirname(dirname(await postgresBinary())));
      cpSync(packageDir, join(closed, 'linux-x64'), { recursive: true, verbatimSymlinks: true });
      const packaged = join(closed, 'linux-x64', 'native', 'bin', 'postgres');
      await expect(run('su', ['postgres', '-s', '/bin/sh', '-c', `${packaged} --version`])).rejects.toThrow();

      const binaries = serverBinaries(packaged, true);
      expect(binaries.postgres.startsWith(closed)).toBe(false);
      for (const binary of [binaries.postgres, binaries.initdb]) {
        const { stdout } = await run('su', ['postgres', '-s', '/bin/sh', '-c', `${binary} --version`]);
        expect(stdout).toMatch(/\(PostgreSQL\) 18\./);
      }
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });
});
