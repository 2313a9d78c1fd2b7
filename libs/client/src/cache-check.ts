import { checkSubjectsAt, type Policy, type SubjectQuery } from '#warden/ban-policy';
import { AddressMemo } from './address-memo.js';
import type { CheckResult } from './check-result.js';
import type { DecisionCache } from './decision-cache.js';

/**
 * `check` from the cache: `/v1/check`'s answer with the policy library's subjects (`checkSubjects`)
 * and answer (`banStatus`), the subjects of recent addresses kept (AddressMemo), and the bans found
 * on them too while the cache is unchanged.
 */
export class CacheCheck {
  private readonly addresses: AddressMemo;

  constructor(
    private readonly policy: Policy,
    addressCacheSize: number,
  ) {
    this.addresses = new AddressMemo(policy, addressCacheSize);
  }

  /** Throws InvalidIpAddressError for an `ip` that is no address. */
  answer(cache: DecisionCache, query: SubjectQuery, at: number): CheckResult {
    const { address, lookup } = this.addresses.of(query.ip, cache.rangePrefixes());
    const subjects = checkSubjectsAt(query, address, this.policy);
    // The address's own subjects come last: for a kept address, looked up again only when the cache changed.
    return lookup !== undefined ? cache.answerFor(lookup, at, subjects) : cache.answer(subjects, at);
  }
}
