import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoggerService } from '@nestjs/common';
import { ensureDatabase } from '#warden/persistence';
import { readOrCreateSecretFile } from '../secret-file.js';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { freeLoopbackPort } from './free-loopback-port.js';
import { clusterFolder } from './cluster-folder.js';
import { postgresBinary } from './platform-binaries.js';
import { serverBinaries, type ServerBinaries } from './server-binaries.js';
import { stopStaleServer } from './stale-server.js';

const execFileAsync = promisify(execFile);

const CONTEXT = 'EmbeddedPostgres';
const USER = 'postgres';
const DATABASE = 'warden';
/** A server that crashed replays its WAL before it answers: allow for that. */
const READY_TIMEOUT_MS = 60_000;
const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;
/** The port chosen can be taken by another process before PostgreSQL binds it: try another. */
const BIND_ATTEMPTS = 3;
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/** Where the server keeps what, inside the data folder (`WARDEN_DATA_DIR`). */
export function embeddedPostgresFiles(dataDir: string) {
  return {
    cluster: join(dataDir, 'postgres'),
    password: join(dataDir, 'postgres-password'),
    log: join(dataDir, 'postgres.log'),
  };
}

const isRoot = () => process.getuid?.() === 0;

function tail(file: string, from: number, lines = 15): string {
  try {
    return readFileSync(file).subarray(from).toString('utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The uid and gid of the `postgres` user; made (as `embedded-postgres` does) where the system has none. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({
    uid: Number((await execFileAsync('id', ['-u', USER])).stdout.trim()),
    gid: Number((await execFileAsync('id', ['-g', USER])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await execFileAsync('groupadd', ['-f', USER]);
    await execFileAsync('useradd', ['-g', USER, USER]);
    return ids();
  }
}

/** Runs a PostgreSQL tool to its end; rejects with its output when it fails or cannot start. */
function runTool(binary: string, args: readonly string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${binary} failed (${code ?? signal}): ${output.trim()}`))));
  });
}

/**
 * Creates the cluster with `initdb`. As root (PostgreSQL refuses to run as root) the cluster
 * belongs to the `postgres` user and initdb runs as that user. The password reaches initdb in a
 * file beside the cluster that only that user can read, removed afterwards.
 */
async function initialiseCluster(binaries: ServerBinaries, cluster: string, password: string, logger: LoggerService): Promise<void> {
  if (existsSync(cluster) && readdirSync(cluster).length > 0) {
    throw new EmbeddedPostgresError(`${cluster} holds files but no PostgreSQL cluster (an interrupted first start?); remove that folder and start again`);
  }
  logger.log({ msg: 'creating the embedded PostgreSQL cluster', cluster }, CONTEXT);
  const owner = isRoot() ? await postgresUser() : undefined;
  mkdirSync(cluster, { recursive: true });
  const passwordFile = `${cluster}.initdb-password`;
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(cluster, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  const args = [`--pgdata=${cluster}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'];
  try {
    await runTool(binaries.initdb, args, owner);
  } catch (error) {
    const hint = isRoot()
      ? `\nPostgreSQL runs as the user "${USER}" here: it must be able to enter every folder above ${cluster} (chmod o+x), or set WARDEN_DATA_DIR to a folder it can reach.`
      : '';
    throw new EmbeddedPostgresError(`could not create the PostgreSQL cluster in ${cluster}: ${error instanceof Error ? error.message : String(error)}${hint}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/**
 * A cluster whose password file is gone (`rm -rf .warden` while the cluster lives under
 * /var/lib/warden, or the file deleted): a new password would not let Warden in, and the cluster
 * still holds the old folder's bans and incidents, so the person decides.
 */
function orphanedClusterError(cluster: string, passwordFile: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    [
      `a PostgreSQL cluster from an earlier start is in ${cluster}, but its password file ${passwordFile} is gone, so Warden cannot log in to it.`,
      `  To start afresh (its bans and incidents are lost): npm run reset   (or: rm -rf '${cluster}')`,
      `  To keep them: put the old postgres-password file back in the data folder, then start again.`,
    ].join('\n'),
  );
}

/** Who the server runs as: the owner of its cluster folder when Warden is root, else Warden's user. */
function serverUser(cluster: string): { uid?: number; gid?: number } {
  if (!isRoot()) return {};
  const { uid, gid } = statSync(cluster);
  if (uid === 0) throw new EmbeddedPostgresError(`${cluster} belongs to root and PostgreSQL refuses to run as root; give it to the user "${USER}" (chown -R)`);
  return { uid, gid };
}

/**
 * The embedded default's PostgreSQL: the server binaries of the `embedded-postgres` package, with
 * their cluster in the data folder, listening on 127.0.0.1 only, on a free port (never 5432), with
 * no Unix socket. Warden reaches it with the same `pg`/Prisma code as any server.
 *
 * The server runs detached in its own session, so a Ctrl-C in the terminal reaches Warden only and
 * Warden stops it after the app has closed. Its log goes to `postgres.log` in the data folder.
 */
export class EmbeddedPostgresServer {
  private stopping = false;
  private spawnError?: Error;
  private readonly exit: Promise<void>;
  private readonly killOnExit = () => this.child.kill('SIGINT');

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly url: string,
    /** The PostgreSQL major version of the cluster, e.g. "18". */
    readonly version: string,
    private readonly logger: LoggerService,
  ) {
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('error', (error) => (this.spawnError = error));
    // If Warden dies of an error, its server goes too (a SIGKILL leaves it; the next start stops it).
    process.once('exit', this.killOnExit);
  }

  /** Creates the cluster on the first start, stops a server an earlier Warden left, and starts it. */
  static async start(dataDir: string, logger: LoggerService): Promise<EmbeddedPostgresServer> {
    const binaries = serverBinaries(await postgresBinary(), isRoot());
    if (isRoot()) chmodSync(dataDir, statSync(dataDir).mode | 0o001); // the postgres user must enter it
    const cluster = clusterFolder(dataDir, isRoot());
    if (cluster.outside) {
      logger.warn({ msg: 'the postgres user cannot enter the data folder, so the cluster lives outside it', cluster: cluster.path }, CONTEXT);
    }
    const files = { ...embeddedPostgresFiles(dataDir), cluster: cluster.path };
    if (existsSync(join(files.cluster, 'PG_VERSION')) && !existsSync(files.password)) throw orphanedClusterError(files.cluster, files.password);
    const { text: password } = readOrCreateSecretFile(files.password, () => randomBytes(24).toString('hex'));
    if (existsSync(join(files.cluster, 'PG_VERSION'))) await stopStaleServer(files.cluster, logger);
    else await initialiseCluster(binaries, files.cluster, password, logger);
    const version = readFileSync(join(files.cluster, 'PG_VERSION'), 'utf8').trim();
    if (existsSync(files.log) && statSync(files.log).size > LOG_ROTATE_BYTES) renameSync(files.log, `${files.log}.1`);

    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      const logStart = existsSync(files.log) ? statSync(files.log).size : 0;
      const child = EmbeddedPostgresServer.spawnServer(binaries.postgres, files, port);
      const url = `postgresql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
      const server = new EmbeddedPostgresServer(child, port, url, version, logger);
      try {
        await server.waitUntilReady(password);
      } catch (error) {
        await server.stop();
        const output = tail(files.log, logStart);
        if (/could not bind|address already in use/i.test(output) && attempt < BIND_ATTEMPTS) continue;
        throw new EmbeddedPostgresError(`the embedded PostgreSQL server did not start: ${String(error)}\n${output}\n(the whole log: ${files.log})`);
      }
      logger.log({ msg: 'embedded PostgreSQL is ready', version, port, pid: child.pid, cluster: files.cluster }, CONTEXT);
      return server;
    }
  }

  private static spawnServer(binary: string, files: ReturnType<typeof embeddedPostgresFiles>, port: number): ChildProcess {
    const log = openSync(files.log, 'a');
    try {
      const args = ['-D', files.cluster, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
      // LC_MESSAGES=C: English messages, since the start looks for "could not bind" in the log.
      return spawn(binary, args, { ...serverUser(files.cluster), detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } });
    } finally {
      closeSync(log); // the server has its own copy
    }
  }

  private hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Connects until the server answers (it refuses while starting up), then creates Warden's database once. */
  private async waitUntilReady(password: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.spawnError) throw this.spawnError;
      if (this.hasExited()) throw new Error(`it exited (${this.child.exitCode ?? this.child.signalCode})`);
      try {
        await ensureDatabase({ host: '127.0.0.1', port: this.port, user: USER, password }, DATABASE);
        return;
      } catch (error) {
        // A wrong password stays wrong: say so now rather than after the whole timeout.
        if ((error as { code?: string }).code === '28P01') throw new Error('it refused the password in postgres-password (password authentication failed)');
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`it did not answer within ${READY_TIMEOUT_MS / 1000} s (${String(lastError)})`);
  }

  /** Calls `handler` if the server ends while Warden still needs it. */
  onUnexpectedExit(handler: (reason: string) => void): void {
    this.child.once('exit', (code, signal) => {
      if (!this.stopping) handler(`the embedded PostgreSQL server exited (${code ?? signal}); see postgres.log in the data folder`);
    });
  }

  private async exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
    try {
      return await Promise.race([this.exit.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fast shutdown (open transactions roll back, a checkpoint is written); immediate if that hangs. */
  async stop(): Promise<void> {
    this.stopping = true;
    process.removeListener('exit', this.killOnExit);
    if (this.hasExited()) return;
    this.child.kill('SIGINT');
    if (!(await this.exitsWithin(FAST_SHUTDOWN_MS))) {
      this.logger.warn({ msg: 'the embedded PostgreSQL server did not stop in time; shutting it down immediately' }, CONTEXT);
      this.child.kill('SIGQUIT');
      await this.exitsWithin(IMMEDIATE_SHUTDOWN_MS);
    }
    this.logger.log({ msg: 'embedded PostgreSQL stopped', port: this.port }, CONTEXT);
  }
}
