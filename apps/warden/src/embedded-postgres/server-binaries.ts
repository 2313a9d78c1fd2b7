import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { othersCanReach } from './others-can-reach.js';

export interface ServerBinaries {
  readonly postgres: string;
  readonly initdb: string;
}

/**
 * The PostgreSQL binaries to run. Warden running as root runs them as the `postgres` user, who
 * cannot execute them where the package put them when a folder above is closed to others (a clone
 * in a `mktemp -d` folder, or under /root). The package's `native` folder (bin, lib, share, about
 * 60 MB) is then copied once, per version, to a root-owned folder in the temp directory that
 * others may enter, and run from there.
 */
export function serverBinaries(packagedPostgres: string, runsAsOtherUser: boolean): ServerBinaries {
  const bin = dirname(packagedPostgres);
  if (!runsAsOtherUser || othersCanReach(packagedPostgres)) return { postgres: packagedPostgres, initdb: join(bin, 'initdb') };
  const { version } = JSON.parse(readFileSync(join(bin, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const copy = join(tmpdir(), `warden-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial);
    chmodSync(partial, 0o755);
    cpSync(dirname(bin), partial, { recursive: true, verbatimSymlinks: true });
    rmSync(copy, { recursive: true, force: true });
    renameSync(partial, copy); // whole or not at all: a start killed while copying leaves no half copy in use
  }
  return { postgres: join(copy, 'bin', 'postgres'), initdb: join(copy, 'bin', 'initdb') };
}
