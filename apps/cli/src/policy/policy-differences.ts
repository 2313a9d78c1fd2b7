import { DEFAULT_POLICY, type PolicyDocument, type RuleDocument } from '#warden/client';

/**
 * One way a resolved policy differs from the default: a field with another value (a rule turned
 * off reads `mode: off`) or a rule of its own (`default: null`).
 */
export interface PolicyDifference {
  /** `rules.ip-total.threshold`, `rules.ip-failures`, `allowlist.cidrs`. */
  readonly path: string;
  readonly default: unknown;
  readonly file: unknown;
}

/**
 * Where `document` differs from `defaults`, field by field, rules in the defaults' order then the
 * file's. Both resolved (durations in their shortest form: `24h` reads `1d`), so equal values agree.
 */
export function policyDifferences(document: PolicyDocument, defaults: PolicyDocument = DEFAULT_POLICY.document): PolicyDifference[] {
  const differences: PolicyDifference[] = [];
  const names = [...new Set([...Object.keys(defaults.rules), ...Object.keys(document.rules)])];
  for (const name of names) {
    const before: RuleDocument | undefined = defaults.rules[name];
    const after: RuleDocument | undefined = document.rules[name];
    if (before === undefined || after === undefined) differences.push({ path: `rules.${name}`, default: before ?? null, file: after ?? null });
    else differences.push(...fieldDifferences(`rules.${name}`, before, after));
  }
  for (const section of ['escalation', 'repeatedSecret', 'ranges', 'allowlist'] as const) {
    differences.push(...fieldDifferences(section, defaults[section], document[section]));
  }
  return differences;
}

function fieldDifferences(at: string, before: object, after: object): PolicyDifference[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .map((field) => ({ path: `${at}.${field}`, default: valueOf(before, field), file: valueOf(after, field) }))
    .filter((difference) => JSON.stringify(difference.default) !== JSON.stringify(difference.file));
}

function valueOf(object: object, field: string): unknown {
  return (object as Record<string, unknown>)[field] ?? null;
}
