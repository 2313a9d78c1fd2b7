import type { PolicyAttempt } from './attempt.js';
import type { Policy } from './policy.types.js';
import { AddressCache, formSubjects, type AttemptSubjects } from './subjects.js';

/**
 * A batch of attempts with the subjects each one touches, formed once (`formBatch`): what
 * `decideBatch` takes. A caller may read the subjects first (to route an attempt by its account
 * or its network, say) and then decide the same batch.
 */
export class PolicyBatch {
  constructor(
    readonly policy: Policy,
    readonly attempts: readonly PolicyAttempt[],
    /** `subjects[i]` are the subjects of `attempts[i]`. */
    readonly subjects: readonly AttemptSubjects[],
  ) {}
}

/**
 * Forms the subjects of a batch's attempts, parsing each address once however many attempts come
 * from it. Throws InvalidIpAddressError for an address that does not parse: validate at the edge.
 */
export function formBatch(attempts: readonly PolicyAttempt[], policy: Policy): PolicyBatch {
  const addresses = new AddressCache(policy);
  const subjects: AttemptSubjects[] = new Array<AttemptSubjects>(attempts.length);
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!;
    subjects[i] = formSubjects(attempt, addresses.of(attempt.ip), policy);
  }
  return new PolicyBatch(policy, attempts, subjects);
}
