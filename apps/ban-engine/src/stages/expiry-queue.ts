/** A ban's end, waiting for the partition's stream time to pass it. */
export interface DueBan {
  readonly until: number;
  readonly subject: string;
}

/**
 * The ends of a partition's bans in force, soonest first (a binary heap): the stage announces each
 * ban's expiry when its stream time passes the end. An entry whose ban was escalated or lifted
 * meanwhile is stale; the stage skips it when it comes up.
 */
export class ExpiryQueue {
  private readonly heap: DueBan[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(due: DueBan): void {
    const heap = this.heap;
    heap.push(due);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heap[parent]!.until <= due.until) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = due;
  }

  /** Whether a ban ends at or before `time`. */
  hasDue(time: number): boolean {
    return this.heap.length > 0 && this.heap[0]!.until <= time;
  }

  /** Takes the soonest end, if it is at or before `time`. */
  popDue(time: number): DueBan | undefined {
    const heap = this.heap;
    if (!this.hasDue(time)) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= heap.length) break;
        const child = left + 1 < heap.length && heap[left + 1]!.until < heap[left]!.until ? left + 1 : left;
        if (heap[child]!.until >= last.until) break;
        heap[at] = heap[child]!;
        at = child;
      }
      heap[at] = last;
    }
    return top;
  }
}
