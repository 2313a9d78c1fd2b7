/** Seconds as the console shows a Retry-After: `45 s`, `2 min 21 s`, `1 h 58 min`, `3 d 4 h`. */
export function formatSeconds(total: number): string {
  const seconds = Math.max(0, Math.ceil(total));
  if (seconds < 60) return `${seconds} s`;
  const [d, h, m, s] = [Math.floor(seconds / 86_400), Math.floor(seconds / 3_600) % 24, Math.floor(seconds / 60) % 60, seconds % 60];
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

/** Whole seconds from `now` until `until` (ISO), rounded up, never negative: what Retry-After says. */
export function secondsUntil(until: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(until) - now) / 1_000));
}

/** A duration typed into the ban form (`90s`, `10m`, `2h`, `7d`, or plain seconds) in seconds; null if it is none. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d{1,7})\s*(s|m|h|d)?\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]) * { s: 1, m: 60, h: 3_600, d: 86_400 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return value > 0 ? value : null;
}

/** A time as `22:04:31` today, or `Dec 1, 22:04` on another day, in the browser's zone. */
export function formatTime(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const sameDay = new Date(now).toDateString() === at.toDateString();
  return sameDay
    ? at.toLocaleTimeString('en-GB', { hour12: false })
    : at.toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}
