import { DEFAULT_POLICY_DOCUMENT } from './default-policy.document.js';
import { formatDuration, parseDuration } from './duration.js';
import { hash128Hex, normalizeAccount, parseCidr, type Cidr } from '#warden/contracts';
import { ruleReasons } from './incidents.js';
import type { PolicyFile, RuleFile } from './policy.schema.js';
import { MAX_EVIDENCE_IDS, TALLY_BUCKETS } from './window-counter.js';
import {
  SUBJECT_SCOPES,
  type Policy,
  type PolicyDocument,
  type PolicyRule,
  type RuleDocument,
  type SubjectScope,
} from './policy.types.js';

export type PolicyResult = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly errors: string[] };

const RULE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const RESERVED_RULE_NAMES = new Set(['manual']);
const REQUIRED_RULE_FIELDS = ['counts', 'subject', 'threshold', 'window', 'ban'] as const;
const RULE_FIELD_DEFAULTS = {
  escalating: true,
  visible: false,
  mode: 'enforce',
  ignoreRepeatedSecret: false,
  forgiveTypos: false,
  failuresPerSuccess: 0,
} as const;
/** The kinds whose counts typos and successes can weigh on (the others count no failures of a network, or reset on success already). */
const TYPO_AWARE_KINDS = new Set(['failures', 'distinct-accounts']);

export interface ResolveOptions {
  /**
   * Whether the default rules are the base the file changes (a policy file: rules it does not
   * name stay as they are) or absent (a policy of its own, such as the bad-key throttle's).
   */
  readonly defaultRules?: boolean;
}

/**
 * Resolves a schema-checked policy file against the defaults and checks what the schema cannot:
 * required rule fields, rule names, which kinds fit which subjects, allowlist entries.
 */
export function resolvePolicyFile(
  file: PolicyFile,
  options: ResolveOptions = {},
): { ok: true; document: PolicyDocument } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const defaults = DEFAULT_POLICY_DOCUMENT;
  const rules: Record<string, RuleDocument> = {};
  // A file changes the defaults: the rules it leaves out stay on (`mode: off` turns one off).
  const ruleFiles: Record<string, RuleFile> = { ...(options.defaultRules === false ? {} : defaults.rules), ...file.rules };
  for (const [name, given] of Object.entries(ruleFiles)) {
    const rule = resolveRule(name, given, errors);
    if (rule !== null) rules[name] = rule;
  }
  const cidrs = file.allowlist?.cidrs ?? [];
  cidrs.forEach((text, i) => {
    if (parseCidr(text) === null) errors.push(`allowlist.cidrs.${i}: must be an IP address or CIDR, got "${text}"`);
  });
  const accounts = (file.allowlist?.accounts ?? []).map((name, i) => {
    const account = normalizeAccount(name);
    if (account === null) errors.push(`allowlist.accounts.${i}: must not be blank`);
    return account ?? '';
  });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    document: {
      rules,
      escalation: {
        memory: durationText(file.escalation?.memory ?? defaults.escalation.memory),
        maxBan: durationText(file.escalation?.maxBan ?? defaults.escalation.maxBan),
      },
      repeatedSecret: {
        remember: file.repeatedSecret?.remember ?? defaults.repeatedSecret.remember,
        memory: durationText(file.repeatedSecret?.memory ?? defaults.repeatedSecret.memory),
      },
      typos: { window: durationText(file.typos?.window ?? defaults.typos.window) },
      ranges: { ipv4: file.ranges?.ipv4 ?? defaults.ranges.ipv4, ipv6: file.ranges?.ipv6 ?? defaults.ranges.ipv6 },
      allowlist: { cidrs: cidrs.map((text) => text.trim()), accounts },
    },
  };
}

function resolveRule(name: string, given: RuleFile, errors: string[]): RuleDocument | null {
  const at = `rules.${name}`;
  if (!RULE_NAME.test(name) || RESERVED_RULE_NAMES.has(name)) {
    errors.push(`${at}: a rule name is 1–64 lower-case letters, digits, '.', '_' or '-' (and not "manual")`);
    return null;
  }
  const inherited: Partial<RuleDocument> = DEFAULT_POLICY_DOCUMENT.rules[name] ?? RULE_FIELD_DEFAULTS;
  const merged = { ...inherited, ...withoutUndefined(given) };
  const missing = REQUIRED_RULE_FIELDS.filter((field) => merged[field] === undefined);
  for (const field of missing) errors.push(`${at}.${field}: is required`);
  if (missing.length > 0) return null;
  const rule = merged as Required<typeof merged>;
  if (rule.counts === 'identical-credential' && rule.subject !== 'account-credential') {
    errors.push(`${at}.subject: a rule counting identical-credential must have subject account-credential`);
    return null;
  }
  if (rule.counts === 'distinct-accounts' && rule.subject !== 'ip' && rule.subject !== 'range') {
    errors.push(`${at}.subject: a rule counting distinct-accounts must have subject ip or range`);
    return null;
  }
  let { forgiveTypos, failuresPerSuccess } = rule;
  if (!TYPO_AWARE_KINDS.has(rule.counts)) {
    // Inherited from a default rule whose kind the file changed: dropped; asked for: an error.
    if (given.forgiveTypos === true) errors.push(`${at}.forgiveTypos: only a rule counting failures or distinct-accounts forgives typos`);
    if ((given.failuresPerSuccess ?? 0) > 0) {
      errors.push(`${at}.failuresPerSuccess: only a rule counting failures or distinct-accounts weighs failures against successes`);
    }
    forgiveTypos = false;
    failuresPerSuccess = 0;
  }
  return {
    counts: rule.counts,
    subject: rule.subject,
    threshold: rule.threshold,
    window: durationText(rule.window),
    ban: durationText(rule.ban),
    escalating: rule.escalating,
    visible: rule.visible,
    mode: rule.mode,
    ignoreRepeatedSecret: rule.ignoreRepeatedSecret,
    forgiveTypos,
    failuresPerSuccess,
  };
}

/** Turns a resolved document into the structure `decide` works with, and stamps its version. */
export function compilePolicy(document: PolicyDocument): Policy {
  const slots = new Map<SubjectScope, number>();
  const rules: PolicyRule[] = Object.entries(document.rules).flatMap(([name, rule]) => {
    if (rule.mode === 'off') return [];
    const slot = slots.get(rule.subject) ?? 0;
    slots.set(rule.subject, slot + 1);
    const facts = {
      name,
      kind: rule.counts,
      subject: rule.subject,
      threshold: rule.threshold,
      windowMs: durationMs(rule.window),
      banMs: durationMs(rule.ban),
      escalating: rule.escalating,
      visible: rule.visible,
      mode: rule.mode,
      ignoreRepeatedSecret: rule.ignoreRepeatedSecret,
      forgiveTypos: rule.forgiveTypos,
      failuresPerSuccess: rule.failuresPerSuccess,
    };
    return [{
      ...facts,
      slot,
      evidence: Math.min(rule.threshold, MAX_EVIDENCE_IDS),
      bucketMs: Math.max(1, Math.ceil(facts.windowMs / TALLY_BUCKETS)),
      reasons: ruleReasons(facts),
    }];
  });
  const rulesByScope = Object.fromEntries(
    SUBJECT_SCOPES.map((scope) => [scope, rules.filter((rule) => rule.subject === scope)]),
  ) as Record<SubjectScope, PolicyRule[]>;
  return {
    version: hash128Hex(JSON.stringify(document)).slice(0, 16),
    rules,
    rulesByScope,
    ruleByName: new Map(rules.map((rule) => [rule.name, rule])),
    escalation: { memoryMs: durationMs(document.escalation.memory), maxBanMs: durationMs(document.escalation.maxBan) },
    repeatedSecret: { remember: document.repeatedSecret.remember, memoryMs: durationMs(document.repeatedSecret.memory) },
    typos: { windowMs: durationMs(document.typos.window) },
    ranges: { ipv4Prefix: document.ranges.ipv4, ipv6Prefix: document.ranges.ipv6 },
    allowlist: {
      cidrs: document.allowlist.cidrs.map((text) => parseCidr(text)).filter((cidr): cidr is Cidr => cidr !== null),
      accounts: new Set(document.allowlist.accounts),
    },
    usesRepeatedSecret: rules.some((rule) => rule.ignoreRepeatedSecret),
    document,
  };
}

function durationMs(value: string | number): number {
  const ms = parseDuration(value);
  if (ms === null) throw new Error(`invalid duration ${String(value)} in a resolved policy`);
  return ms;
}

function durationText(value: string | number): string {
  return formatDuration(durationMs(value));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
