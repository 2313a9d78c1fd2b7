/** Durations are kept in milliseconds everywhere inside the policy. */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND_MS,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
};

const DURATION_TEXT = /^(\d+)(ms|s|m|h|d)$/;

/**
 * A policy file writes durations as `90s`, `2m`, `24h`, `1d`, `500ms`, or as a whole number of
 * seconds. Returns null for anything else, so the schema can name the field at fault.
 */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? value * SECOND_MS : null;
  }
  const match = DURATION_TEXT.exec(value.trim());
  if (match === null) return null;
  const ms = Number(match[1]) * (UNIT_MS[match[2]!] ?? 0);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** The shortest text that `parseDuration` reads back to the same number of milliseconds. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
