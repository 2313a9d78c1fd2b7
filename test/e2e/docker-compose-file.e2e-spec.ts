import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const FILE = join(process.cwd(), 'docker-compose.yml');

/** A Compose CLI that can validate the file without a Docker engine (`config -q`), when installed. */
const CLIS = [
  { name: 'Compose v1 (docker-compose)', command: 'docker-compose', args: ['-f', FILE, 'config', '-q'] },
  { name: 'Compose v2 (docker compose)', command: 'docker', args: ['compose', '-f', FILE, 'config', '-q'] },
].map((cli) => ({ ...cli, present: spawnSync(cli.command, cli.command === 'docker' ? ['compose', 'version'] : ['version']).status === 0 }));
for (const cli of CLIS) if (!cli.present) process.stderr.write(`docker-compose-file: ${cli.name} is not installed; its check is skipped\n`);

/** docker-compose.yml as the README describes it: Kafka and Postgres only, on loopback, valid for both Compose versions. */
describe('docker-compose.yml', () => {
  it('starts Kafka and Postgres only, on loopback, with no top-level name (Compose v1 refuses it)', () => {
    const file = parse(readFileSync(FILE, 'utf8')) as { version?: string; name?: string; services: Record<string, { ports: string[] }> };
    expect(file.name).toBeUndefined();
    // Compose v1 reads a file without `version` as its legacy format, where `services` is a service.
    expect(file.version).toMatch(/^3\.\d+$/);
    expect(Object.keys(file.services).sort()).toEqual(['kafka', 'postgres']);
    for (const service of Object.values(file.services)) for (const port of service.ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  for (const cli of CLIS) {
    (cli.present ? it : it.skip)(`is valid for ${cli.name}`, () => {
      const run = spawnSync(cli.command, cli.args, { encoding: 'utf8' });
      // v2 notes that `version` is obsolete (for v2; v1 needs it): a warning, not an error.
      const said = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.trim() !== '' && !/`?version`? is obsolete/.test(line));
      expect({ status: run.status, said }).toEqual({ status: 0, said: [] });
    });
  }
});
