import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { othersCanReach } from './others-can-reach.js';

/** Where clusters go whose data folder the `postgres` user cannot reach. */
export const OUTSIDE_CLUSTERS_DIR = '/var/lib/warden';

/**
 * The folder of the PostgreSQL cluster: `<data>/postgres`, unless Warden runs as root and a folder
 * above the data folder is closed to others (a clone in `mktemp -d`, or under /root), where the
 * `postgres` user could not reach it. Then the cluster lives under /var/lib/warden, in a folder
 * named after the data folder, and `<data>/postgres-cluster` records where, so later starts (from
 * wherever) find the same cluster. Everything else stays in the data folder.
 */
export function clusterFolder(dataDir: string, runsAsOtherUser: boolean): { path: string; outside: boolean } {
  const pointer = join(dataDir, 'postgres-cluster');
  if (existsSync(pointer)) return { path: readFileSync(pointer, 'utf8').trim(), outside: true };
  const inside = join(dataDir, 'postgres');
  if (!runsAsOtherUser || existsSync(inside) || othersCanReach(inside)) return { path: inside, outside: false };
  const real = realpathSync(dataDir);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
  const path = join(OUTSIDE_CLUSTERS_DIR, `${basename(join(real, '..'))}-${id}`);
  mkdirSync(OUTSIDE_CLUSTERS_DIR, { recursive: true, mode: 0o755 });
  writeFileSync(pointer, `${path}\n`);
  return { path, outside: true };
}
