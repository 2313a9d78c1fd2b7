import type { Policy } from './policy.types.js';
import type { SecretMemory } from './state.js';

/**
 * Entra-style smart lockout: an account remembers the last few fingerprints that failed for it.
 * A failure repeating one of them (a device retrying a stale password) does not count again
 * toward the rules that set `ignoreRepeatedSecret`. The memory fades `repeatedSecret.memory`
 * (24 h) after the account's last failure, so an idle account's state can be pruned.
 * The order of arrival matters here: "the last 3" are the last 3 processed.
 */
export function isRepeatedSecret(memory: SecretMemory | undefined, fingerprint: string | null, at: number, policy: Policy): boolean {
  if (memory === undefined || fingerprint === null) return false;
  if (at - memory.at >= policy.repeatedSecret.memoryMs) return false;
  return memory.fps.includes(fingerprint);
}

/** The memory after a failure with `fingerprint`: it moves to the front, the oldest falls off. */
export function rememberSecret(memory: SecretMemory | undefined, fingerprint: string, at: number, policy: Policy): SecretMemory {
  const fresh = memory !== undefined && at - memory.at < policy.repeatedSecret.memoryMs;
  const previous = fresh ? memory.fps.filter((fp) => fp !== fingerprint) : [];
  return {
    fps: [fingerprint, ...previous].slice(0, policy.repeatedSecret.remember),
    at: memory === undefined || !fresh ? at : Math.max(memory.at, at),
  };
}
