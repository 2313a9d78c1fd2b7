/**
 * The engine's two stages (DESIGN §2): each subject has one owner. The network stage owns `ip:`
 * and `range:` subjects, keyed by the attempt's network (the prefix of the policy's range rule);
 * the account stage owns `account:`, `account-ip:` and `account-credential:` subjects, keyed by the
 * normalized account. Each decides with the policy's rules of its scopes only, and the account
 * stage merges the network stage's verdict into the attempt's verdict.
 */
import { normalizeAccount, Topic, type LoginAttemptEvent, type SubjectScope } from '#warden/contracts';
import type { Verdict } from './outcome.types.js';
import type { Policy, PolicyRule } from './policy.types.js';
import { banStatus, type ActiveBan } from './status.js';
import { addressSubjectsOf, scopeOfSubject } from './subjects.js';

export type StageName = 'network' | 'account';

export const STAGE_SCOPES: Readonly<Record<StageName, readonly SubjectScope[]>> = {
  network: ['ip', 'range'],
  account: ['account', 'account-ip', 'account-credential'],
};

/** The stage that owns a subject, or null for a text that is no subject. */
export function stageOfSubject(subject: string): StageName | null {
  const scope = scopeOfSubject(subject);
  if (scope === null) return null;
  return STAGE_SCOPES.network.includes(scope) ? 'network' : 'account';
}

/** The network an attempt from `ip` belongs to (`203.0.113.0/24`): its key on `auth.login-attempts`. Throws InvalidIpAddressError. */
export function networkKeyOf(ip: string, policy: Policy): string {
  return addressSubjectsOf(ip, policy).rangeKey.slice('range:'.length);
}

/** A record as a producer of attempts writes it. */
export interface AttemptTopicRecord {
  readonly topic: typeof Topic.loginAttempts | typeof Topic.attemptsByAccount;
  readonly key: string;
  readonly value: string;
}

/**
 * An attempt as a producer writes it, as gateway-api does: one record on `auth.login-attempts`
 * keyed by its network and, when it names an account, its account copy on
 * `auth.attempts-by-account` keyed by the account (the attempt then marked `accountCopy`). Each
 * stage reads it in its producer's order, so an account attacked from many networks is decided the
 * same whatever the network partitions' speed (an attempt without a copy is forwarded by the
 * network stage, in the order its partitions happen to run). Throws InvalidIpAddressError.
 */
export function attemptTopicRecords(attempt: LoginAttemptEvent, policy: Policy): { attempt: LoginAttemptEvent; records: AttemptTopicRecord[] } {
  const network = networkKeyOf(attempt.ip, policy);
  const account = normalizeAccount(attempt.account);
  if (account === null) return { attempt, records: [{ topic: Topic.loginAttempts, key: network, value: JSON.stringify(attempt) }] };
  const marked: LoginAttemptEvent = { ...attempt, accountCopy: true };
  const value = JSON.stringify(marked);
  return {
    attempt: marked,
    records: [
      { topic: Topic.loginAttempts, key: network, value },
      { topic: Topic.attemptsByAccount, key: account, value },
    ],
  };
}

/**
 * The key of the log that owns a subject: its network for `ip:` (the address's network) and
 * `range:` (the range itself), its account for the account stage's subjects.
 */
export function ownerKeyOfSubject(subject: string, policy: Policy): string {
  const colon = subject.indexOf(':');
  const body = subject.slice(colon + 1);
  switch (scopeOfSubject(subject)) {
    case 'ip':
      return networkKeyOf(body, policy);
    case 'range':
      return body;
    case 'account':
      return body;
    default:
      // account-ip:<account>|<ip>, account-credential:<account>|<fingerprint>: the account is before the last bar.
      return body.slice(0, body.lastIndexOf('|'));
  }
}

/**
 * The policy as one stage applies it: the rules of its scopes only (the others' subjects are still
 * formed, but nothing counts on them, and their state is never read or written).
 */
export function stagePolicy(policy: Policy, stage: StageName): Policy {
  const scopes = STAGE_SCOPES[stage];
  const rules = policy.rules.filter((rule) => scopes.includes(rule.subject));
  const rulesByScope = Object.fromEntries(
    Object.entries(policy.rulesByScope).map(([scope, scoped]) => [scope, scopes.includes(scope as SubjectScope) ? scoped : []]),
  ) as Record<SubjectScope, readonly PolicyRule[]>;
  return { ...policy, rules, rulesByScope, usesRepeatedSecret: rules.some((rule) => rule.ignoreRepeatedSecret) };
}

/**
 * Rules whose subject the repeated-secret memory cannot reach: that memory lives with the account
 * (account stage), so a network rule cannot ignore repeated secrets. The engine refuses such a policy.
 */
export function rulesIgnoringSecretsOutsideAccount(policy: Policy): PolicyRule[] {
  return policy.rules.filter((rule) => rule.ignoreRepeatedSecret && STAGE_SCOPES.network.includes(rule.subject));
}

/** What the network stage decided about an attempt, as the account stage needs it. */
export interface NetworkOutcome {
  readonly bans: readonly ActiveBan[];
  readonly trigger: boolean;
  readonly thresholdReached: boolean;
}

export function networkOutcomeOf(verdict: Verdict): NetworkOutcome {
  return {
    bans: verdict.bans.map(({ subject, rule, level, until, visible }) => ({ subject, rule, level, until, visible })),
    trigger: verdict.trigger,
    // 429 from a threshold, or from a visible ban: the latter is among the bans and gives 429 again when merged.
    thresholdReached: verdict.gatewayStatus === 429,
  };
}

/** The verdict of an attempt decided by both stages: the bans of both in force at `at`, 429 if either said so. */
export function mergeVerdicts(network: NetworkOutcome, account: Verdict, at: number): Verdict {
  if (network.bans.length === 0 && !network.trigger && !network.thresholdReached) return account;
  const status = banStatus([...network.bans, ...account.bans], at);
  return {
    ...status,
    attemptId: account.attemptId,
    trigger: network.trigger || account.trigger,
    gatewayStatus: network.thresholdReached || account.gatewayStatus === 429 ? 429 : status.gatewayStatus,
  };
}
