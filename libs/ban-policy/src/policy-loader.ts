import { parse as parseYaml } from 'yaml';
import { normalizeAccount, parseCidr } from '#warden/contracts';
import { compilePolicy, resolvePolicyFile, type PolicyResult, type ResolveOptions } from './policy-compiler.js';
import { formatIssues, policyFileSchema } from './policy.schema.js';
import type { Policy } from './policy.types.js';

export type PolicyFormat = 'json' | 'yaml';

/**
 * Reads a policy file's text. A bad file is an expected outcome, so it comes back as a list of
 * messages naming the field at fault (`rules.ip-total.threshold: must be a positive integer`);
 * the caller decides to stop the start. An empty file means the default policy.
 */
export function loadPolicy(text: string, format: PolicyFormat): PolicyResult {
  let data: unknown;
  try {
    data = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return { ok: false, errors: [`(policy): not valid ${format.toUpperCase()}: ${(error as Error).message.split('\n')[0]}`] };
  }
  return policyFromData(data ?? {});
}

/** The format a policy file's name implies (`.json`, `.yaml`, `.yml`), or null. */
export function policyFormatOf(fileName: string): PolicyFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return null;
}

/** Validates already-parsed data (an object shaped like a policy file). */
export function policyFromData(data: unknown, options: ResolveOptions = {}): PolicyResult {
  const parsed = policyFileSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues) };
  const resolved = resolvePolicyFile(parsed.data, options);
  if (!resolved.ok) return resolved;
  return { ok: true, policy: compilePolicy(resolved.document) };
}

/**
 * Adds allowlist entries (e.g. `WARDEN_ALLOWLIST`, comma separated): an entry that reads as an IP
 * address or CIDR is a network, anything else an account. The version changes with the list.
 */
export function extendAllowlist(policy: Policy, entries: readonly string[]): Policy {
  const cidrs = [...policy.document.allowlist.cidrs];
  const accounts = [...policy.document.allowlist.accounts];
  for (const entry of entries) {
    if (entry.trim() === '') continue;
    if (parseCidr(entry) !== null) cidrs.push(entry.trim());
    else accounts.push(normalizeAccount(entry) ?? '');
  }
  return compilePolicy({ ...policy.document, allowlist: { cidrs, accounts } });
}
