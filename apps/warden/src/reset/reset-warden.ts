import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { API_KEY_FILE } from '../api-key-file.js';
import { locateClusterFolder, OUTSIDE_CLUSTERS_DIR } from '../embedded-postgres/cluster-folder.js';
import { stopStaleServer } from '../embedded-postgres/stale-server.js';

export interface ResetPlan {
  /** The folders to remove, each with what a person loses with it (for the question before). */
  readonly remove: ReadonlyArray<{ readonly path: string; readonly holds: string }>;
  /** The PostgreSQL cluster among them, whose server must not be running. */
  readonly cluster: string | undefined;
}

/** Files every data folder of the embedded mode has, one of them at least: a folder with none is not Warden's. */
const WARDEN_FILES = [API_KEY_FILE, 'postgres', 'postgres-password', 'postgres-cluster'];
const CLUSTER_HOLDS = 'the PostgreSQL cluster: every ban and incident, and the audit log';

/**
 * What `npm run reset` removes for a data folder: the folder itself and, where it lives outside
 * (Warden as root, the folder closed to the `postgres` user), its PostgreSQL cluster under
 * /var/lib/warden, found again when the data folder is already gone. A folder holding none of the
 * files Warden writes there (a mistyped `WARDEN_DATA_DIR=~`) is refused, never removed.
 */
export function resetPlan(dataDir: string, runsAsOtherUser: boolean): ResetPlan {
  const folder = resolve(dataDir);
  const remove: Array<{ path: string; holds: string }> = [];
  if (existsSync(folder)) {
    const names = readdirSync(folder);
    if (names.length > 0 && !names.some((name) => WARDEN_FILES.includes(name))) {
      throw new Error(`${folder} holds none of the files Warden keeps there (${WARDEN_FILES.join(', ')}); it is not a Warden data folder, so nothing was removed`);
    }
    const inside = existsSync(join(folder, 'postgres')) ? `; ${CLUSTER_HOLDS}` : '';
    remove.push({ path: folder, holds: `the data folder: the API key, the PostgreSQL password and log, the in-process bus's topics${inside}` });
  }
  const cluster = locateClusterFolder(folder, runsAsOtherUser);
  if (cluster.outside && existsSync(cluster.path)) {
    if (!resolve(cluster.path).startsWith(`${OUTSIDE_CLUSTERS_DIR}/`)) throw new Error(`the cluster ${cluster.path} is not under ${OUTSIDE_CLUSTERS_DIR}; remove it by hand`);
    remove.push({ path: cluster.path, holds: CLUSTER_HOLDS });
  }
  return { remove, cluster: existsSync(cluster.path) ? cluster.path : undefined };
}

/**
 * Carries out a plan. A PostgreSQL server an earlier Warden left running on the cluster is stopped
 * first; while a Warden still runs on it, nothing is removed (stopStaleServer throws, naming it).
 */
export async function resetWarden(plan: ResetPlan, logger: LoggerService): Promise<void> {
  if (plan.cluster) await stopStaleServer(plan.cluster, logger);
  for (const { path } of plan.remove) rmSync(path, { recursive: true, force: true });
}
