import { MINUTE_MS } from './duration.js';

/**
 * How far in the past a reporter may date an attempt. An `occurredAt` older than this (a slow
 * batch, a wrong clock) or later than the moment Warden received the attempt is pulled back into
 * [receivedAt − 5 min, receivedAt], so nobody can backdate or post-date attempts around a window.
 */
export const MAX_LATENESS_MS = 5 * MINUTE_MS;

/** The time the policy uses for an attempt: occurredAt clamped to [receivedAt − 5 min, receivedAt]. */
export function eventTime(occurredAt: number, receivedAt: number): number {
  if (occurredAt > receivedAt) return receivedAt;
  const earliest = receivedAt - MAX_LATENESS_MS;
  return occurredAt < earliest ? earliest : occurredAt;
}

/** Seconds a client should wait, rounded up to a whole second (never negative). */
export function retryAfterSeconds(until: number, at: number): number {
  return until > at ? Math.ceil((until - at) / 1_000) : 0;
}
