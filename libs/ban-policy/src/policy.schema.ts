import { z } from 'zod';
import { parseDuration } from './duration.js';
import { RULE_KINDS, RULE_MODES, SUBJECT_SCOPES } from './policy.types.js';

/**
 * The shape of a policy file (JSON or YAML). Every field is optional here: a rule named like a
 * default rule inherits what it leaves out, and the compiler reports what is still missing.
 * Each message reads after its path, e.g. `rules.ip-total.threshold: must be a positive integer`.
 */
function message(text: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : text);
}

const positiveInteger = z
  .number({ error: message('must be a positive integer') })
  .int({ error: message('must be a positive integer') })
  .positive({ error: message('must be a positive integer') });

const duration = z.union([z.string(), z.number()], { error: message('must be a duration such as 90s, 2m, 24h') }).refine(
  (value) => parseDuration(value) !== null,
  { error: 'must be a duration such as 90s, 2m, 24h (or a whole number of seconds)' },
);

const ratio = z
  .number({ error: message('must be a number, 0 or more') })
  .min(0, { error: 'must be a number, 0 or more' })
  .max(1_000_000, { error: 'must be at most 1000000' });

const flag = z.boolean({ error: message('must be true or false') });

function oneOf<T extends string>(values: readonly T[]) {
  return z.enum(values as [T, ...T[]], { error: message(`must be one of ${values.join(', ')}`) });
}

function prefixLength(max: number) {
  const text = `must be an integer from 0 to ${max}`;
  return z
    .number({ error: message(text) })
    .int({ error: message(text) })
    .min(0, { error: text })
    .max(max, { error: text });
}

export const ruleFileSchema = z.strictObject({
  counts: oneOf(RULE_KINDS).optional(),
  subject: oneOf(SUBJECT_SCOPES).optional(),
  threshold: positiveInteger.optional(),
  window: duration.optional(),
  ban: duration.optional(),
  escalating: flag.optional(),
  visible: flag.optional(),
  mode: oneOf(RULE_MODES).optional(),
  ignoreRepeatedSecret: flag.optional(),
  forgiveTypos: flag.optional(),
  failuresPerSuccess: ratio.optional(),
});

const stringList = z.array(z.string({ error: message('must be a string') }), { error: message('must be a list of strings') });

export const policyFileSchema = z.strictObject(
  {
    rules: z.record(z.string(), ruleFileSchema, { error: message('must be a map of rule name to rule') }).optional(),
    escalation: z.strictObject({ memory: duration.optional(), maxBan: duration.optional() }).optional(),
    repeatedSecret: z.strictObject({ remember: positiveInteger.optional(), memory: duration.optional() }).optional(),
    typos: z.strictObject({ window: duration.optional() }).optional(),
    ranges: z.strictObject({ ipv4: prefixLength(32).optional(), ipv6: prefixLength(128).optional() }).optional(),
    allowlist: z.strictObject({ cidrs: stringList.optional(), accounts: stringList.optional() }).optional(),
  },
  { error: message('must be an object') },
);

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type RuleFile = z.infer<typeof ruleFileSchema>;

/** Zod's issues as `path: message` lines (unknown fields named one by one). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${path === '' ? key : `${path}.${key}`}: unknown field`);
    } else {
      lines.push(`${path === '' ? '(policy)' : path}: ${issue.message}`);
    }
  }
  return lines;
}
