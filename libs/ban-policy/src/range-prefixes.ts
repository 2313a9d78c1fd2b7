import { NO_RANGE_PREFIXES, rangePrefixOfSubject, type RangePrefixes } from './subjects.js';

/**
 * Counts the active range bans of a view by prefix length, so a check knows which lengths to mask
 * the caller's address to (`checkSubjects(query, policy, counter.prefixes())`). A manual ban may
 * name any network (`range:10.0.0.0/8`); the policy's rules ban /24 and /64 only. Call `add` when a
 * subject's active ban enters the view and `remove` when it leaves (lifted, expired, replaced).
 * Shared by the gateway's decision view and the gateway library's cache: one rule for both.
 */
export class RangePrefixCounter {
  private readonly counts = new Map<string, number>();
  private current: RangePrefixes = NO_RANGE_PREFIXES;

  add(subject: string): void {
    this.change(subject, 1);
  }

  remove(subject: string): void {
    this.change(subject, -1);
  }

  /** The lengths in force, per IP version, ascending (the same object until a length comes or goes). */
  prefixes(): RangePrefixes {
    return this.current;
  }

  private change(subject: string, by: 1 | -1): void {
    const range = rangePrefixOfSubject(subject);
    if (range === null) return;
    const key = `${range.version}/${range.prefix}`;
    const count = (this.counts.get(key) ?? 0) + by;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
    // Rebuilt only when a length comes or goes: every other change leaves the lists as they are.
    if (count <= 0 || (count === 1 && by === 1)) {
      const ipv4: number[] = [];
      const ipv6: number[] = [];
      for (const lengthKey of this.counts.keys()) {
        const [version, prefix] = lengthKey.split('/');
        (version === '4' ? ipv4 : ipv6).push(Number(prefix));
      }
      this.current = { ipv4: ipv4.sort((a, b) => a - b), ipv6: ipv6.sort((a, b) => a - b) };
    }
  }
}
