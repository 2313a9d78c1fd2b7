import { readFileSync } from 'node:fs';

/** Whether `pid` names a process that has not exited. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, but belongs to a user we may not signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited process its parent has not reaped yet (a zombie) still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
