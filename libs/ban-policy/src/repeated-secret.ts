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

/**
 * Remembers a failure with `fingerprint`, in place: it moves to the front, the oldest falls off;
 * a memory that has faded starts again from it. Returns the memory (a new one when there was none).
 */
export function rememberSecret(memory: SecretMemory | undefined, fingerprint: string, at: number, policy: Policy): SecretMemory {
  const { remember, memoryMs } = policy.repeatedSecret;
  if (memory === undefined) return { fps: remember > 0 ? [fingerprint] : [], at };
  const { fps } = memory;
  if (at - memory.at < memoryMs) {
    const known = fps.indexOf(fingerprint);
    if (known >= 0) fps.splice(known, 1);
    memory.at = Math.max(memory.at, at);
  } else {
    fps.length = 0;
    memory.at = at;
  }
  fps.unshift(fingerprint);
  if (fps.length > remember) fps.length = remember;
  return memory;
}
