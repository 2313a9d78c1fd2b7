/** What `npm run bench:check` asks: banned addresses and addresses no ban applies to, mixed. */
export const BENCH_KEY = 'bench-key-0001';

/** The i-th banned address of the bench's view. */
export function benchBannedIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/**
 * `count` check paths: every other one asks about a banned address (spread over all bans, visible
 * and invisible alike: 429 and 401), the rest about addresses no ban applies to (204).
 */
export function checkPaths(count: number, bans: number): string[] {
  return Array.from({ length: count }, (_, n) =>
    n % 2 === 0 ? `/v1/check?ip=${benchBannedIp(((n >> 1) * 7_919) % bans)}` : `/v1/check?ip=172.16.${(n >> 8) & 255}.${n & 255}`,
  );
}
