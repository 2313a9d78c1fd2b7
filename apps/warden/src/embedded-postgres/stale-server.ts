import { execFile } from 'node:child_process';
import { readFile, readlink, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LoggerService } from '@nestjs/common';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { isRunning } from './process-alive.js';

const CONTEXT = 'EmbeddedPostgres';
const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;

/** The process's arguments, from /proc where there is one, else from `ps`; undefined when unknown. */
async function argumentsOf(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((arg) => arg !== '');
  } catch {
    try {
      const { stdout } = await promisify(execFile)('ps', ['-o', 'args=', '-p', String(pid)]);
      return stdout.trim().split(/\s+/);
    } catch {
      return undefined;
    }
  }
}

/** The parent's pid, from /proc where there is one, else from `ps`. */
async function parentOf(pid: number): Promise<number | undefined> {
  try {
    // After the command's name in parentheses (which may hold spaces): the state, then the parent's pid.
    return Number(/\) \S+ (\d+)/.exec(await readFile(`/proc/${pid}/stat`, 'utf8'))?.[1]);
  } catch {
    try {
      return Number((await promisify(execFile)('ps', ['-o', 'ppid=', '-p', String(pid)])).stdout.trim());
    } catch {
      return undefined;
    }
  }
}

/** Whether `pid` runs this very program (same entry script): another Warden of this installation. */
async function isAnotherWarden(pid: number | undefined): Promise<boolean> {
  if (pid === undefined || pid === process.pid || !process.argv[1]) return false;
  const entry = (await argumentsOf(pid))?.[1];
  if (entry === undefined) return false;
  // A relative entry script (`node dist/…/main.js`) is relative to that process's folder.
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => process.cwd());
  return resolve(cwd, entry) === resolve(process.argv[1]);
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 50));
  }
  return true;
}

/**
 * Stops the PostgreSQL server an earlier Warden left running on this data folder (a Warden killed
 * with SIGKILL cannot stop its server). `postmaster.pid` names the server's pid; it is stopped only
 * if that pid is a `postgres -D <this folder>`, and refused if its parent is a Warden still running
 * (a left server's parent died with it). A pid file whose pid is now another program's is removed,
 * since PostgreSQL would refuse to start while that pid is alive.
 */
export async function stopStaleServer(dataFolder: string, logger: LoggerService): Promise<void> {
  const pidFile = join(dataFolder, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // A dead pid: PostgreSQL itself replaces such a file.
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  const args = await argumentsOf(pid);
  if (!args) return;
  const dataArg = args.includes('-D') ? args[args.indexOf('-D') + 1] : undefined;
  const isOurServer = basename(args[0] ?? '') === 'postgres' && dataArg !== undefined && resolve(dataArg) === resolve(dataFolder);
  if (!isOurServer) {
    logger.warn({ msg: 'removing a stale postmaster.pid: its pid now belongs to another program', pid, program: args[0] }, CONTEXT);
    await rm(pidFile, { force: true });
    return;
  }
  const parent = await parentOf(pid);
  if (await isAnotherWarden(parent)) {
    throw new EmbeddedPostgresError(`another Warden (pid ${parent}) is running on this data folder; stop it first, or set WARDEN_DATA_DIR to another folder`);
  }
  logger.warn({ msg: 'an earlier Warden left its PostgreSQL server running; stopping it', pid, dataFolder }, CONTEXT);
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  if (await waitUntilGone(pid, FAST_SHUTDOWN_MS)) return;
  process.kill(pid, 'SIGQUIT'); // immediate shutdown: the next start recovers from the WAL
  if (!(await waitUntilGone(pid, IMMEDIATE_SHUTDOWN_MS))) {
    throw new EmbeddedPostgresError(`the PostgreSQL server left running on ${dataFolder} (pid ${pid}) did not stop; stop it and start again`);
  }
}
