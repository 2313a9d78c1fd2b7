import type { Policy, PolicyRule } from './policy.types.js';
import type { BanRecord } from './state.js';

/**
 * How long a ban lasts at a level: an escalating rule's first ban × 2^(level − 1), a fixed rule's
 * first ban always; never more than `escalation.maxBan` (24 h by default).
 */
export function banDuration(rule: PolicyRule, level: number, policy: Policy): number {
  const cap = policy.escalation.maxBanMs;
  if (!rule.escalating) return Math.min(rule.banMs, cap);
  // 2^52 × any first ban is past any cap: stop doubling there instead of overflowing.
  return Math.min(rule.banMs * 2 ** Math.min(level - 1, 52), cap);
}

/**
 * The level of a new ban at `at`: one above the previous ban's while that ban is active or ended
 * less than `escalation.memory` (24 h) ago, else 1.
 */
export function nextLevel(previous: BanRecord | undefined, at: number, policy: Policy): number {
  if (previous === undefined) return 1;
  return at - previous.until < policy.escalation.memoryMs ? previous.level + 1 : 1;
}

/** Whether the ban is in force at `at` (the end is exclusive: at `until` the subject is free). */
export function isActive(ban: BanRecord | undefined, at: number): ban is BanRecord {
  return ban !== undefined && ban.until > at;
}
