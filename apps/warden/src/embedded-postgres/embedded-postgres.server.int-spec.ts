import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { sqlRows } from '../../../../test/harness/sql-probe.js';
import { OUTSIDE_CLUSTERS_DIR } from './cluster-folder.js';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { embeddedPostgresFiles, EmbeddedPostgresServer } from './embedded-postgres.server.js';
import { isRunning } from './process-alive.js';

/** Keeps what the server logs, to assert on it. */
function recordingLogger(): LoggerService & { messages: string[] } {
  const messages: string[] = [];
  const keep = (message: unknown) => void messages.push(JSON.stringify(message));
  return { messages, log: keep, warn: keep, error: keep, debug: keep };
}



describe('EmbeddedPostgresServer', () => {
  const folders: string[] = [];
  // A fresh folder, as mkdtemp makes it: 0700, owned by whoever runs the tests (root in CI).
  const freshFolder = () => {
    folders.push(mkdtempSync(join(tmpdir(), 'warden-embedded-')));
    return folders.at(-1)!;
  };

  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('starts in a fresh folder on loopback only, never on 5432, and keeps its data across a restart', async () => {
    const folder = freshFolder();
    const first = await EmbeddedPostgresServer.start(folder, recordingLogger());
    try {
      expect(first.port).not.toBe(5432);
      expect(new URL(first.url).hostname).toBe('127.0.0.1');
      const [settings] = await sqlRows<{ listen: string; sockets: string; who: string }>(
        first.url,
        `SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets, current_user AS who`,
      );
      expect(settings).toEqual({ listen: '127.0.0.1', sockets: '', who: 'postgres' });
      await sqlRows(first.url, `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before the restart')`);
    } finally {
      await first.stop();
    }

    const { cluster } = embeddedPostgresFiles(folder);
    expect(statSync(cluster).mode & 0o777).toBe(0o700);
    // PostgreSQL refuses to run as root: as root, the cluster belongs to the user it runs as.
    if (process.getuid?.() === 0) expect(statSync(cluster).uid).not.toBe(0);

    const second = await EmbeddedPostgresServer.start(folder, recordingLogger());
    try {
      expect(await sqlRows(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'before the restart' }]);
    } finally {
      await second.stop();
    }
  });

  (process.getuid?.() === 0 ? it : it.skip)(
    'as root, keeps the cluster outside a data folder the postgres user cannot enter, and finds it again',
    async () => {
      // A data folder under a folder closed to others, as `.warden` in a clone made in `mktemp -d`.
      const closed = freshFolder();
      const data = join(closed, 'data');
      mkdirSync(data);
      const first = await EmbeddedPostgresServer.start(data, recordingLogger());
      const cluster = readFileSync(join(data, 'postgres-cluster'), 'utf8').trim();
      folders.push(cluster);
      try {
        expect(cluster.startsWith(OUTSIDE_CLUSTERS_DIR)).toBe(true);
        await sqlRows(first.url, `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('outside')`);
      } finally {
        await first.stop();
      }
      const second = await EmbeddedPostgresServer.start(data, recordingLogger());
      try {
        expect(await sqlRows(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'outside' }]);
      } finally {
        await second.stop();
      }
    },
  );

  (process.getuid?.() === 0 ? it : it.skip)(
    'after `rm -rf` of a data folder whose cluster lives outside it, says at once what to do instead of failing to log in',
    async () => {
      const closed = freshFolder();
      const data = join(closed, 'data');
      mkdirSync(data);
      await (await EmbeddedPostgresServer.start(data, recordingLogger())).stop();
      const cluster = readFileSync(join(data, 'postgres-cluster'), 'utf8').trim();
      folders.push(cluster);
      rmSync(data, { recursive: true });
      mkdirSync(data);

      const started = Date.now();
      const error = await EmbeddedPostgresServer.start(data, recordingLogger()).then(
        (server) => server.stop().then(() => undefined),
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      expect(String(error)).toContain(cluster);
      expect(String(error)).toContain('npm run reset');
      // No minute spent on logins that cannot succeed.
      expect(Date.now() - started).toBeLessThan(20_000);
      // Nothing was written that would make the next start look like a working folder.
      expect(existsSync(join(data, 'postgres-password'))).toBe(false);
    },
  );

  it('stops the server an earlier Warden left running on the folder, then starts its own', async () => {
    const folder = freshFolder();
    // Never stopped, as when the Warden that started it was killed with SIGKILL.
    const left = await EmbeddedPostgresServer.start(folder, recordingLogger());
    const leftPid = Number(readFileSync(join(embeddedPostgresFiles(folder).cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const logger = recordingLogger();
    let next: EmbeddedPostgresServer | undefined;
    try {
      next = await EmbeddedPostgresServer.start(folder, logger);
      expect(isRunning(leftPid)).toBe(false);
      expect(logger.messages.join()).toContain('an earlier Warden left its PostgreSQL server running');
      expect(await sqlRows(next.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await Promise.all([left.stop(), next?.stop()]);
    }
  });

  it('leaves alone a process whose pid a stale postmaster.pid names, and starts', async () => {
    const folder = freshFolder();
    await (await EmbeddedPostgresServer.start(folder, recordingLogger())).stop();
    const bystander = spawn('sleep', ['60']);
    const { cluster } = embeddedPostgresFiles(folder);
    writeFileSync(join(cluster, 'postmaster.pid'), `${bystander.pid}\n${cluster}\n0\n5432\n\n127.0.0.1\n`);
    try {
      const server = await EmbeddedPostgresServer.start(folder, recordingLogger());
      await server.stop();
      expect(isRunning(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill();
    }
  });
});
