import type { DecisionPosition } from '../decision-view/decision-view.js';

/**
 * The event id of the decision stream: for each partition of `auth.ban-decisions`, the offset of
 * the next record, e.g. `0:1532,1:977,2:1204`. Offsets survive compaction and restarts, and are
 * the same for every gateway instance, so a client can resume on any of them.
 */
export function formatCursor(position: DecisionPosition): string {
  return [...position]
    .sort(([a], [b]) => a - b)
    .map(([partition, offset]) => `${partition}:${offset}`)
    .join(',');
}

const CURSOR = /^\d{1,6}:\d{1,19}(,\d{1,6}:\d{1,19})*$/;

/** The position a `Last-Event-ID` names; null when it is not a cursor of this stream. */
export function parseCursor(text: string): Map<number, number> | null {
  if (!CURSOR.test(text.trim())) return null;
  const position = new Map<number, number>();
  for (const pair of text.trim().split(',')) {
    const [partition, offset] = pair.split(':').map(Number) as [number, number];
    if (!Number.isSafeInteger(offset) || position.has(partition)) return null;
    position.set(partition, offset);
  }
  return position;
}
