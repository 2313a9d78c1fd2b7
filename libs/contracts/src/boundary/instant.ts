/**
 * The times Warden takes in (`occurredAt`, `receivedAt`, `issuedAt`) lie in [2000, 2100): wide
 * enough for any clock, narrow enough that every store and every date library agrees on them
 * (PostgreSQL refuses year 0, JavaScript and PostgreSQL disagree before the Gregorian calendar).
 */
export const EARLIEST_INSTANT_MS = Date.UTC(2000, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(2100, 0, 1);

/** True for a time within the range; also for text that is no time at all, which the format check refuses on its own. */
export function isSaneInstant(text: string): boolean {
  const ms = Date.parse(text);
  return Number.isNaN(ms) || (ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS);
}
