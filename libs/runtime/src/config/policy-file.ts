import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY, extendAllowlist, loadPolicy, policyFormatOf, rulesIgnoringSecretsOutsideAccount, type Policy } from '#warden/ban-policy';

export type PolicyFileResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/**
 * The ban policy in force: the file at `WARDEN_POLICY` (JSON or YAML) or the defaults of DESIGN
 * §7, plus the entries of `WARDEN_ALLOWLIST`. Errors name the variable, then the rule and field.
 */
export function loadPolicyFile(path: string | undefined, allowlist: readonly string[]): PolicyFileResult {
  let policy = DEFAULT_POLICY;
  if (path) {
    const format = policyFormatOf(path);
    if (!format) return { ok: false, errors: [`WARDEN_POLICY: ${path} must end in .json, .yaml or .yml`] };
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      return { ok: false, errors: [`WARDEN_POLICY: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`] };
    }
    const loaded = loadPolicy(text, format);
    if (!loaded.ok) return { ok: false, errors: loaded.errors.map((error) => `WARDEN_POLICY (${path}): ${error}`) };
    policy = loaded.policy;
    // The repeated-secret memory is the account's, kept by the engine's account stage: a network rule cannot consult it.
    const unreachable = rulesIgnoringSecretsOutsideAccount(policy);
    if (unreachable.length > 0) {
      return { ok: false, errors: unreachable.map((rule) => `WARDEN_POLICY (${path}): rule ${rule.name}: ignoreRepeatedSecret applies to rules on account, account-ip or account-credential subjects, not ${rule.subject}`) };
    }
  }
  return { ok: true, policy: allowlist.length > 0 ? extendAllowlist(policy, allowlist) : policy };
}
