import { spawn } from 'node:child_process';

export interface ProgramOutput {
  /** The exit code; -1 when a signal ended the program (then `stderr` says which). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end. Its stdin is /dev/null: on a socket, bash reads bashrc as if sshd had started it. */
export function runProgram(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ProgramOutput> {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}(killed by ${signal})` : stderr }));
  });
}
