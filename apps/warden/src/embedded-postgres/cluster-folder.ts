import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { othersCanReach } from './others-can-reach.js';

/** Where clusters go whose data folder the `postgres` user cannot reach. */
export const OUTSIDE_CLUSTERS_DIR = '/var/lib/warden';

const pointerOf = (dataDir: string) => join(dataDir, 'postgres-cluster');

/** The data folder's real path, also once it is gone (`rm -rf .warden`): its parent's real path and its name. */
function realPathOf(dataDir: string): string {
  if (existsSync(dataDir)) return realpathSync(dataDir);
  const absolute = resolve(dataDir);
  return join(existsSync(dirname(absolute)) ? realpathSync(dirname(absolute)) : dirname(absolute), basename(absolute));
}

/**
 * Where the cluster of a data folder is, without writing anything: `<data>/postgres`, unless
 * Warden runs as root and a folder above the data folder is closed to others (a clone in `mktemp
 * -d`, or under /root), where the `postgres` user could not reach it. Then the cluster lives under
 * /var/lib/warden, in a folder named after the data folder's place; the same data folder always
 * gives the same name, so a start after `rm -rf .warden` (and `npm run reset`) finds it.
 */
export function locateClusterFolder(dataDir: string, runsAsOtherUser: boolean): { path: string; outside: boolean } {
  const pointer = pointerOf(dataDir);
  if (existsSync(pointer)) return { path: readFileSync(pointer, 'utf8').trim(), outside: true };
  const inside = join(dataDir, 'postgres');
  if (!runsAsOtherUser || existsSync(inside) || othersCanReach(inside)) return { path: inside, outside: false };
  const real = realPathOf(dataDir);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
  return { path: join(OUTSIDE_CLUSTERS_DIR, `${basename(dirname(real))}-${id}`), outside: true };
}

/**
 * The folder of the PostgreSQL cluster ({@link locateClusterFolder}); for one outside the data
 * folder, `<data>/postgres-cluster` records where, so later starts (from wherever) find it.
 */
export function clusterFolder(dataDir: string, runsAsOtherUser: boolean): { path: string; outside: boolean } {
  const found = locateClusterFolder(dataDir, runsAsOtherUser);
  if (found.outside && !existsSync(pointerOf(dataDir))) {
    mkdirSync(OUTSIDE_CLUSTERS_DIR, { recursive: true, mode: 0o755 });
    writeFileSync(pointerOf(dataDir), `${found.path}\n`);
  }
  return found;
}
