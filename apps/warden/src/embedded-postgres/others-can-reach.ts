import { statSync } from 'node:fs';
import { dirname, parse, resolve } from 'node:path';

/**
 * Whether every folder above `path` lets other users through (o+x). Warden running as root runs
 * PostgreSQL as the `postgres` user, who needs that to reach its binaries and its cluster.
 */
export function othersCanReach(path: string): boolean {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}
