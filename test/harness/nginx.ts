import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/kafka-broker.js';

const NGINX = process.env.NGINX_BINARY ?? '/usr/sbin/nginx';

export interface RunningNginx {
  /** `http://127.0.0.1:<port>`: where `LISTEN` in the configuration listens. */
  readonly url: string;
  /** nginx's error log so far (for a failing assertion's message). */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * A real nginx (Debian's package) as an unprivileged foreground process in a folder of its own.
 * `http` is the body of the `http {}` block, with `LISTEN` where the server's `listen` address goes.
 */
export async function startNginx(http: string): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(dir, name)};`).join('\n  ');
  const errorLog = join(dir, 'error.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;\nmaster_process off;\npid ${join(dir, 'nginx.pid')};\nerror_log ${errorLog} warn;\n` +
      `events { worker_connections 64; }\nhttp {\n  access_log off;\n  ${temp}\n${http.replaceAll('LISTEN', `127.0.0.1:${port}`)}\n}\n`,
  );
  const nginx: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', errorLog], { stdio: 'ignore' });
  return {
    url: `http://127.0.0.1:${port}`,
    errorLog: () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''),
    async stop() {
      if (nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx.once('exit', resolve));
        nginx.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
