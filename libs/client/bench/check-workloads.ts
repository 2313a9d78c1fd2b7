import { banStatus, checkSubjects, DEFAULT_POLICY } from '#warden/ban-policy';
import type { CheckQuery } from '#warden/client';
import { benchBannedIp, checkPaths } from '../../../test/harness/check-requests.js';
import { resultOfStatus, type CheckResult } from '../src/check-result.js';
import { DecisionCache } from '../src/decision-cache.js';

/** What `check` is asked in one measurement: half about banned addresses, half about others. */
export interface Workload {
  readonly name: string;
  readonly queries: readonly CheckQuery[];
}

/**
 * The checks of the bench, over the bans of the bench's gateway (`benchBannedIp(i)`, i < bans):
 * bench:check's mix of 2,000 addresses; the same with an account on each, as a login asks; and
 * 200,000 addresses each asked once per pass, so that few checks find their address's subjects
 * already formed.
 */
export function workloads(bans: number): Workload[] {
  const addresses = checkPaths(2_000, bans).map((path) => new URLSearchParams(path.slice(path.indexOf('?'))).get('ip')!);
  const spread = Array.from({ length: 200_000 }, (_, n) =>
    n % 2 === 0 ? benchBannedIp(((n >> 1) * 7_919) % bans) : `172.${16 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`,
  );
  return [
    { name: '2,000 addresses (bench:check)', queries: addresses.map((ip) => ({ ip })) },
    { name: '2,000 addresses, an account each', queries: addresses.map((ip, n) => ({ ip, account: `user-${n % 500}` })) },
    { name: '200,000 addresses', queries: spread.map((ip) => ({ ip })) },
  ];
}

/**
 * `check` as it was before it kept addresses' subjects (for the side-by-side figure): subjects
 * formed per call by `checkSubjects`, every one looked up, answered by `banStatus`. Over its own
 * cache of the very bans the gateway holds (the client's own is not reachable from outside).
 */
export function checkFormingSubjectsPerCall(bans: number): { readonly size: number; check(query: CheckQuery, at: number): CheckResult } {
  const cache = new DecisionCache();
  const until = new Date(Date.now() + 3_600_000).toISOString();
  for (let i = 0; i < bans; i++) {
    const visible = i % 2 === 0;
    cache.apply({ subject: `ip:${benchBannedIp(i)}`, scope: 'ip', state: 'active', rule: visible ? 'ip-total' : 'ip-failures', level: 1, until, visible });
  }
  return {
    size: cache.size,
    check: (query, at) => resultOfStatus(banStatus(checkSubjects(query, DEFAULT_POLICY, cache.rangePrefixes()).map((subject) => cache.ban(subject)), at)),
  };
}
