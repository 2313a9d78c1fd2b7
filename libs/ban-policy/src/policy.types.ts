import type { Cidr, SubjectScope } from '#warden/contracts';

export { SUBJECT_SCOPES, type SubjectScope } from '#warden/contracts';

/**
 * What a rule counts:
 * - `failures-in-a-row`: failures since the subject's last success;
 * - `failures`: every failure;
 * - `attempts`: every attempt, success or failure;
 * - `distinct-accounts`: accounts that failed (one count per account);
 * - `identical-credential`: failures with one credential fingerprint (on `account-credential`).
 */
export type RuleKind = 'failures-in-a-row' | 'failures' | 'attempts' | 'distinct-accounts' | 'identical-credential';

export const RULE_KINDS: readonly RuleKind[] = [
  'failures-in-a-row',
  'failures',
  'attempts',
  'distinct-accounts',
  'identical-credential',
];

/**
 * `simulate` records what the rule would do (incidents with `simulated: true`) and bans nobody;
 * `off` turns a default rule off (a policy file changes the defaults, it does not replace them).
 */
export type RuleMode = 'enforce' | 'simulate' | 'off';

export const RULE_MODES: readonly RuleMode[] = ['enforce', 'simulate', 'off'];

/** A rule with every field resolved and durations in milliseconds. */
export interface PolicyRule {
  readonly name: string;
  readonly kind: RuleKind;
  readonly subject: SubjectScope;
  readonly threshold: number;
  readonly windowMs: number;
  /** The first ban; an escalating rule doubles it per level, up to `escalation.maxBanMs`. */
  readonly banMs: number;
  readonly escalating: boolean;
  /** Visible bans answer 429 with Retry-After; invisible ones 401, like a wrong password. */
  readonly visible: boolean;
  readonly mode: Exclude<RuleMode, 'off'>;
  /** Entra smart lockout: a failure repeating one of the account's last fingerprints is not counted. */
  readonly ignoreRepeatedSecret: boolean;
  /** DESIGN §7 "Typos are forgiven": a failure followed within `typos.windowMs` by a success of its account from its IP stops counting. */
  readonly forgiveTypos: boolean;
  /** Triggers only while the subject's failures in the window exceed this many times its successes; 0: no such condition. */
  readonly failuresPerSuccess: number;
  // Worked out once, when the policy is compiled, so that deciding an attempt only reads them:
  /** Where a subject of this rule's scope keeps its counter: the rule's index in `rulesByScope[subject]`. */
  readonly slot: number;
  /** At most this many attempt ids are kept as an incident's evidence: min(threshold, 20). */
  readonly evidence: number;
  /** Rules weighing failures against successes: the width of a tally bucket, a tenth of the window (at least 1 ms). */
  readonly bucketMs: number;
  /** The `reason` of the incidents this rule raises. */
  readonly reasons: RuleReasons;
}

/** An incident's reason depends on its rule and on why it was raised, not on its level or end. */
export interface RuleReasons {
  /** The threshold was reached: `5 failures in a row within 2m (account-ip-failures)`. */
  readonly threshold: string;
  /** A failed attempt made while banned escalated the ban. */
  readonly whileBanned: string;
  /** The threshold was reached by an allowlisted subject, which is not banned. */
  readonly allowlisted: string;
}

export interface Allowlist {
  readonly cidrs: readonly Cidr[];
  readonly accounts: ReadonlySet<string>;
}

/** A validated, compiled policy: what `decide` and the status functions take. */
export interface Policy {
  /** Content hash of the resolved policy, carried in every decision and incident. */
  readonly version: string;
  readonly rules: readonly PolicyRule[];
  readonly rulesByScope: Readonly<Record<SubjectScope, readonly PolicyRule[]>>;
  readonly ruleByName: ReadonlyMap<string, PolicyRule>;
  readonly escalation: { readonly memoryMs: number; readonly maxBanMs: number };
  readonly repeatedSecret: { readonly remember: number; readonly memoryMs: number };
  /** How soon a success of the same account from the same IP forgives a failure (rules with `forgiveTypos`). */
  readonly typos: { readonly windowMs: number };
  readonly ranges: { readonly ipv4Prefix: number; readonly ipv6Prefix: number };
  readonly allowlist: Allowlist;
  /** Whether some rule needs the account's fingerprint memory (so the account state is loaded). */
  readonly usesRepeatedSecret: boolean;
  /** The resolved policy as plain data (durations as text): what the version hashes, what explain shows. */
  readonly document: PolicyDocument;
}

/** The resolved policy as plain data, the shape of a policy file with every field present. */
export interface PolicyDocument {
  readonly rules: Readonly<Record<string, RuleDocument>>;
  readonly escalation: { readonly memory: string; readonly maxBan: string };
  readonly repeatedSecret: { readonly remember: number; readonly memory: string };
  readonly typos: { readonly window: string };
  readonly ranges: { readonly ipv4: number; readonly ipv6: number };
  readonly allowlist: { readonly cidrs: readonly string[]; readonly accounts: readonly string[] };
}

export interface RuleDocument {
  readonly counts: RuleKind;
  readonly subject: SubjectScope;
  readonly threshold: number;
  readonly window: string;
  readonly ban: string;
  readonly escalating: boolean;
  readonly visible: boolean;
  readonly mode: RuleMode;
  readonly ignoreRepeatedSecret: boolean;
  readonly forgiveTypos: boolean;
  readonly failuresPerSuccess: number;
}
