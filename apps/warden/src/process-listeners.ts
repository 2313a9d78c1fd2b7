import type { EventEmitter } from 'node:events';

// Seen as a plain emitter: Node's typings list `process.listeners` per event name.
const events: EventEmitter = process;

/**
 * Runs `work`, then takes off the process listeners it added for the events `which` selects.
 * Warden orders its own shutdown (app, then embedded server, then exit 0); code that installs its
 * own signal handlers (Nest's shutdown hooks) would exit first or in another order.
 */
export async function withoutListenersAddedBy<T>(which: (event: string | symbol) => boolean, work: () => Promise<T>): Promise<T> {
  const before = new Map(events.eventNames().map((event) => [event, new Set(events.listeners(event))]));
  try {
    return await work();
  } finally {
    for (const event of events.eventNames().filter(which)) {
      for (const listener of events.listeners(event)) {
        if (!before.get(event)?.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
}

export const isSignal = (event: string | symbol): boolean => typeof event === 'string' && event.startsWith('SIG');
