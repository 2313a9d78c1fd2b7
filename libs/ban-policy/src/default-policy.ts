import { DEFAULT_POLICY_DOCUMENT } from './default-policy.document.js';
import { policyFromData } from './policy-loader.js';
import type { Policy } from './policy.types.js';

/**
 * The policy Warden runs without `WARDEN_POLICY`: DESIGN §7's seven rules. Loaded like a file,
 * so an empty policy file has the very same version.
 */
export const DEFAULT_POLICY: Policy = (() => {
  const result = policyFromData(DEFAULT_POLICY_DOCUMENT);
  if (!result.ok) throw new Error(`the default policy is invalid: ${result.errors.join('; ')}`);
  return result.policy;
})();
