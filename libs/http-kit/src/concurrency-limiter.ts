/** A request holding one of a key's slots on an endpoint family; give it back when it is done. */
export interface ConcurrencySlot {
  readonly ok: true;
  /** Slots this key has left on the family while this request runs. */
  readonly remaining: number;
  release(now: number): void;
}

export interface ConcurrencyRefusal {
  readonly ok: false;
  /** Whole seconds (at least 1) until a slot is likely free: the family's last duration, less what the oldest running request has taken. */
  readonly retryAfter: number;
}

/**
 * At most `perKey` requests of one API key in flight at once on each family of heavy endpoints
 * (a verify reads the whole audit log, about 40 s per million rows): one key cannot keep the
 * audit app busy, and other keys are not slowed by it. Per process, in memory.
 */
export class ConcurrencyLimiter {
  /** Start times of the requests in flight, per `family` and key. */
  private readonly running = new Map<string, number[]>();
  /** How long the last request of each family took, for the Retry-After estimate. */
  private readonly lastDurationMs = new Map<string, number>();

  constructor(readonly perKey: number) {}

  acquire(family: string, key: string, now: number): ConcurrencySlot | ConcurrencyRefusal {
    const id = `${family}\u0000${key}`;
    const starts = this.running.get(id) ?? [];
    if (starts.length >= this.perKey) {
      const expected = (this.lastDurationMs.get(family) ?? 0) - (now - Math.min(...starts));
      return { ok: false, retryAfter: Math.max(1, Math.ceil(expected / 1_000)) };
    }
    starts.push(now);
    this.running.set(id, starts);
    let released = false;
    return {
      ok: true,
      remaining: this.perKey - starts.length,
      release: (at) => {
        if (released) return;
        released = true;
        starts.splice(starts.indexOf(now), 1);
        if (starts.length === 0) this.running.delete(id);
        this.lastDurationMs.set(family, at - now);
      },
    };
  }
}
