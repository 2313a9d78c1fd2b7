import { useEffect, useRef } from 'preact/hooks';

/**
 * Runs `task` now and then every `intervalMs` after the previous run ends (never two at once),
 * until the component goes away. A failure is reported and the polling goes on.
 */
export function usePolling(task: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void, deps: unknown[] = []): void {
  const latest = useRef(task);
  latest.current = task;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await latest.current();
      } catch (error) {
        if (!stopped) onError(error);
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
}

