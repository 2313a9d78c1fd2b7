/**
 * The attempts of the engine's benches (bench:engine, bench:decode): normal users and the attacks
 * Warden is for, each attempt naming an account, all received now and dated over the last 4 minutes.
 */
import { randomUUID } from 'node:crypto';
import type { LoginAttemptEvent } from '#warden/contracts';

/** What the mix holds, as the benches print it. */
export const MIX = '88% normal users, 4% brute force, 3% credential stuffing, 3% a botnet on one account, 2% an IPv6 sweep';

/** `total` attempts of the mix, received at `now` (epoch ms). */
export function mixedAttempts(now: number, total: number): LoginAttemptEvent[] {
  const list: LoginAttemptEvent[] = [];
  const received = new Date(now).toISOString();
  for (let n = 0; list.length < total; n++) {
    const occurredAt = new Date(now - 240_000 + ((n * 7) % 240_000)).toISOString();
    const kind = n % 100;
    let ip: string;
    let account: string;
    let outcome: 'success' | 'failure' = 'failure';
    if (kind < 88) {
      // A normal user: mostly successes, the odd typo.
      ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      account = `user-${n % 50_000}`;
      outcome = kind < 83 ? 'success' : 'failure';
    } else if (kind < 92) {
      ip = `172.16.${(n >> 8) & 63}.${(n >> 2) & 255}`; // brute force: few IPs, one account each
      account = `target-${(n >> 8) & 63}`;
    } else if (kind < 95) {
      ip = `192.168.${(n >> 10) & 15}.7`; // credential stuffing: an IP, many accounts
      account = `leaked-${n}`;
    } else if (kind < 98) {
      ip = `100.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`; // a botnet on one account, from many networks
      account = 'ceo';
    } else {
      ip = `2001:db8:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}::1`; // an IPv6 sweep: one address per /64
      account = `admin-${n % 100}`;
    }
    list.push({ schemaVersion: 1, id: randomUUID(), occurredAt, receivedAt: received, outcome, ip, account, credentialFingerprint: `fp-${n % 997}` });
  }
  return list;
}
