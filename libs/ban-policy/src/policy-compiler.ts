import { DEFAULT_POLICY_DOCUMENT } from './default-policy.document.js';
import { formatDuration, parseDuration } from './duration.js';
import { hash128Hex } from './hash.js';
import { normalizeAccount } from '#warden/contracts';
import { parseCidr, type Cidr } from '#warden/contracts';
import type { PolicyFile, RuleFile } from './policy.schema.js';
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
const RULE_FIELD_DEFAULTS = { escalating: true, visible: false, mode: 'enforce', ignoreRepeatedSecret: false } as const;

/**
 * Resolves a schema-checked policy file against the defaults and checks what the schema cannot:
 * required rule fields, rule names, which kinds fit which subjects, allowlist entries.
 */
export function resolvePolicyFile(file: PolicyFile): { ok: true; document: PolicyDocument } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const defaults = DEFAULT_POLICY_DOCUMENT;
  const rules: Record<string, RuleDocument> = {};
  const ruleFiles: Record<string, RuleFile> = file.rules ?? defaults.rules;
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
  };
}

/** Turns a resolved document into the structure `decide` works with, and stamps its version. */
export function compilePolicy(document: PolicyDocument): Policy {
  const rules: PolicyRule[] = Object.entries(document.rules).map(([name, rule]) => ({
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
  }));
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
