/**
 * The seeded traffic of the policy benches (see policy.bench.ts for what it holds): 1,000,000
 * attempts over one hour of event time, in batches of 1,000, generated as they are consumed.
 */
import type { PolicyAttempt } from '../src/index.js';

export const TOTAL_ATTEMPTS = 1_000_000;
export const BATCH = 1_000;
const START = Date.UTC(2024, 2, 1, 12, 0, 0);
const SPAN_MS = 60 * 60 * 1_000;

/** mulberry32: a small seeded generator, so the traffic is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The traffic, batch by batch, generated as it is consumed so that the heap stays engine-sized.
 * `total` attempts spread over the same hour (more than the default only to grow more subjects).
 */
export function* generateTraffic(total = TOTAL_ATTEMPTS): Generator<PolicyAttempt[]> {
  const rnd = random(42);
  const pick = (n: number) => Math.floor(rnd() * n);
  const users = Array.from({ length: 25_000 }, (_, i) => ({
    account: `user${i}@example.com`,
    ip: `10.${(i >>> 8) & 0xff}.${i & 0xff}.${1 + (i % 250)}`,
  }));
  let attempts: PolicyAttempt[] = [];
  for (let i = 0; i < total; i++) {
    if (attempts.length === BATCH) {
      yield attempts;
      attempts = [];
    }
    const at = START + Math.floor((i / total) * SPAN_MS);
    const lateBy = rnd() < 0.05 ? pick(120_000) : 0;
    const base = { id: `b-${i}`, occurredAt: at - lateBy, receivedAt: at };
    const kind = rnd();
    if (kind < 0.75) {
      const user = users[pick(users.length)]!;
      const failure = rnd() < 0.08;
      attempts.push({ ...base, ...user, outcome: failure ? 'failure' : 'success', credentialFingerprint: failure ? `typo-${pick(3)}` : 'good' });
    } else if (kind < 0.83) {
      attempts.push({ ...base, ip: `203.0.113.${pick(20)}`, account: `victim${pick(10_000)}`, outcome: 'failure', credentialFingerprint: `leak-${pick(1e6)}` });
    } else if (kind < 0.9) {
      const attacker = pick(100);
      attempts.push({ ...base, ip: `198.51.100.${attacker}`, account: `target${attacker % 50}`, outcome: 'failure', credentialFingerprint: `guess-${pick(1e6)}` });
    } else if (kind < 0.95) {
      const source = pick(2_000);
      attempts.push({ ...base, ip: `172.16.${source >> 8}.${source & 0xff}`, account: `vip${pick(20)}`, outcome: 'failure', credentialFingerprint: `spray-${pick(1e6)}` });
    } else if (kind < 0.98) {
      attempts.push({ ...base, ...users[pick(200)]!, outcome: 'failure', credentialFingerprint: 'stale-password' });
    } else {
      attempts.push({ ...base, ip: `2001:db8:${pick(5)}::1`, account: `office${pick(1_000)}`, outcome: rnd() < 0.98 ? 'success' : 'failure', credentialFingerprint: 'ok' });
    }
  }
  yield attempts;
}

