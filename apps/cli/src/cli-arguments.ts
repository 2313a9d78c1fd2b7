import { InvalidArgumentError } from 'commander';
import { parseDuration } from '#warden/client';

/**
 * Parsers of option values. A bad value throws commander's InvalidArgumentError, which the CLI
 * reports as a usage error (exit 2) naming the option.
 */

/** `10m`, `2h`, `1d`, `90s` or a whole number of seconds — the policy file's durations — in whole seconds. */
export function durationSeconds(text: string): number {
  const ms = parseDuration(/^\d+$/.test(text.trim()) ? Number(text) : text);
  if (ms === null || ms % 1_000 !== 0) throw new InvalidArgumentError(`"${text}" is not a duration in whole seconds, such as 90s, 10m, 2h, 1d.`);
  return ms / 1_000;
}

/**
 * A point in time: an ISO-8601 instant (`2026-12-01T09:00:00Z`) or a duration back from now
 * (`2h` = two hours ago). Returned as ISO-8601, the API's form.
 */
export function instantOrAgo(now: () => number = Date.now): (text: string) => string {
  return (text) => {
    const ago = parseDuration(text);
    if (ago !== null) return new Date(now() - ago).toISOString();
    if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text).toISOString();
    throw new InvalidArgumentError(`"${text}" is neither a duration back from now (30m, 2h, 7d) nor an ISO-8601 time (2026-12-01T09:00:00Z).`);
  };
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`"${text}" is not a whole number of at least 1.`);
  return value;
}
