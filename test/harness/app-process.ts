import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

export interface AppProcess {
  readonly child: ChildProcess;
  /** stdout and stderr, as they came. */
  output(): string;
  /** stdout alone: the log lines. */
  stdout(): string;
  /** The exit code, or the signal's name when the process ended by a signal. */
  exited(): Promise<number | NodeJS.Signals | null>;
}

/** Runs a built app (`dist/apps/<app>/src/main.js`) as its own process, as a user would. */
export function spawnApp(app: string, env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps', app, 'src/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, stdout: () => stdout, exited: () => exit };
}

/**
 * Waits until the app at `url` answers `/health/ready` with 200. If it exits first or the deadline
 * passes, it is killed and the error carries its output.
 */
export async function waitUntilReady(app: AppProcess, url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${url} to be ready`,
    async () => {
      if (app.child.exitCode !== null) throw new Error(`the app exited (${app.child.exitCode})`);
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined;
    },
    timeoutMs,
    100,
  ).catch((error: unknown) => {
    app.child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${app.output()}`);
  });
}
