import { banStatus, decide, isPrunable, policyFromData, type BanRecord, type Policy, type SubjectState } from '#warden/ban-policy';

/** Bad keys one address may present in the window before it is throttled. */
export const BAD_KEY_LIMIT = 10;
export const BAD_KEY_RULE = 'bad-api-keys';

/**
 * Warden's own policy for its clients (DESIGN §5, "repeated bad keys from one IP get that IP
 * banned"): 10 bad API keys within a minute ban the address for a minute, doubling with each
 * further ban up to an hour. Visible: the client is told to wait (429 + Retry-After).
 */
const BAD_KEY_POLICY: Policy = (() => {
  const result = policyFromData({
    rules: {
      [BAD_KEY_RULE]: { counts: 'failures', subject: 'ip', threshold: BAD_KEY_LIMIT, window: '1m', ban: '1m', escalating: true, visible: true },
    },
    escalation: { maxBan: '1h' },
  }, { defaultRules: false });
  if (!result.ok) throw new Error(`the bad-key policy does not compile: ${result.errors.join('; ')}`);
  return result.policy;
})();

/** Addresses remembered at most; beyond it, those whose state no longer matters are dropped first. */
const MAX_SUBJECTS = 100_000;

/**
 * Throttles addresses that keep presenting bad API keys, with the ban policy library itself
 * (`decide` over an in-memory state, one subject per address). Per process: each gateway instance
 * judges the requests it sees.
 */
export class BadKeyThrottle {
  private readonly states = new Map<string, SubjectState>();
  private sequence = 0;

  /** Seconds the address must still wait, or 0 when it is not throttled. */
  retryAfter(ip: string, now: number): number {
    if (this.states.size === 0) return 0;
    const ban = this.states.get(`ip:${ip}`)?.ban;
    return ban === undefined ? 0 : banStatus([{ subject: `ip:${ip}`, ...ban }], now).retryAfter;
  }

  /** The throttle's ban of `ip`, if it has one (ended or not). */
  banOf(ip: string): BanRecord | undefined {
    return this.states.get(`ip:${ip}`)?.ban;
  }

  /** Counts a bad key from `ip` (a normalized address); returns the wait it now owes (0 if none). */
  recordBadKey(ip: string, now: number): number {
    const subject = `ip:${ip}`;
    const current = this.states.get(subject);
    const result = decide(current ? { [subject]: current } : {}, [
      { id: `bad-key-${++this.sequence}`, occurredAt: now, receivedAt: now, outcome: 'failure', ip },
    ], BAD_KEY_POLICY);
    const next = result.state.get(subject);
    if (next !== undefined) {
      this.states.delete(subject);
      this.states.set(subject, next);
    }
    if (this.states.size > MAX_SUBJECTS) this.prune(now);
    return result.verdicts[0]!.retryAfter;
  }

  /** Drops the states that no longer matter, else the oldest touched (a Map keeps insertion order). */
  private prune(now: number): void {
    for (const [subject, state] of this.states) {
      if (isPrunable(state, BAD_KEY_POLICY, now)) this.states.delete(subject);
    }
    for (const subject of this.states.keys()) {
      if (this.states.size <= MAX_SUBJECTS * 0.9) break;
      this.states.delete(subject);
    }
  }
}
