import { normalizeAccount } from './account-name.js';
import { isAccountAllowlisted, isIpAllowlisted, isRangeAllowlisted } from './allowlist.js';
import { formatIp, ipRange, parseIp, type IpAddress } from './ip-address.js';
import type { Policy, SubjectScope } from './policy.types.js';

/** The values that name an attempt's (or a check's) subjects. */
export interface SubjectQuery {
  readonly ip: string;
  readonly account?: string | null | undefined;
  readonly credentialFingerprint?: string | null | undefined;
}

export interface SubjectRef {
  readonly scope: SubjectScope;
  /** The subject string of DESIGN §7, e.g. `account-ip:alice|203.0.113.7`. */
  readonly key: string;
  /** Allowlisted subjects are counted (to report `allowlist_hit`) but never banned. */
  readonly allowlisted: boolean;
  /**
   * Whether this subject's ban blocks the caller: not when the subject is allowlisted, nor a range
   * ban when the caller's own address is allowlisted (an allowlisted address is never blocked).
   */
  readonly applies: boolean;
}

export interface AttemptSubjects {
  readonly ip: IpAddress;
  readonly account: string | null;
  readonly fingerprint: string | null;
  /** Every subject the values form, most specific first. */
  readonly subjects: readonly SubjectRef[];
}

export class InvalidIpAddressError extends Error {
  constructor(readonly ip: string) {
    super(`not an IP address: "${ip}" (validate attempts with normalizeIp before deciding)`);
    this.name = 'InvalidIpAddressError';
  }
}

/**
 * The subjects an attempt or a check touches: `account-ip`, `account-credential` and `account`
 * when there is an account (and a fingerprint for the second), then `ip` and `range`.
 * Throws InvalidIpAddressError for an address that does not parse: validate at the edge.
 */
export function subjectsOf(query: SubjectQuery, policy: Policy): AttemptSubjects {
  const ip = parseIp(query.ip.trim());
  if (ip === null) throw new InvalidIpAddressError(query.ip);
  const account = normalizeAccount(query.account);
  const fingerprint = nonBlank(query.credentialFingerprint);
  const { allowlist, ranges } = policy;
  const ipText = formatIp(ip);
  const prefix = ip.version === 4 ? ranges.ipv4Prefix : ranges.ipv6Prefix;
  const ipAllowed = allowlist.cidrs.length > 0 && isIpAllowlisted(allowlist, ip);
  const accountAllowed = isAccountAllowlisted(allowlist, account);
  const subjects: SubjectRef[] = [];
  const add = (scope: SubjectScope, key: string, allowlisted: boolean, applies = !allowlisted) =>
    subjects.push({ scope, key, allowlisted, applies });
  if (account !== null) {
    add('account-ip', `account-ip:${account}|${ipText}`, accountAllowed || ipAllowed);
    if (fingerprint !== null) add('account-credential', `account-credential:${account}|${fingerprint}`, accountAllowed);
    add('account', `account:${account}`, accountAllowed);
  }
  add('ip', `ip:${ipText}`, ipAllowed);
  const rangeAllowed = allowlist.cidrs.length > 0 && isRangeAllowlisted(allowlist, ip, prefix);
  add('range', `range:${ipRange(ip, prefix)}`, rangeAllowed, !rangeAllowed && !ipAllowed);
  return { ip, account, fingerprint, subjects };
}

/**
 * The subject keys whose state `decide` needs for these attempts: what the engine loads (one
 * query per batch) before calling it. Includes every subject an attempt forms, because a ban on
 * any of them (a manual one too) belongs in the attempt's verdict.
 */
export function subjectKeysOf(attempts: readonly SubjectQuery[], policy: Policy): string[] {
  const keys = new Set<string>();
  for (const attempt of attempts) {
    for (const subject of subjectsOf(attempt, policy).subjects) keys.add(subject.key);
  }
  return [...keys];
}

/** The subjects whose active bans block a check of these values (for `/v1/check`, `/v1/status`). */
export function checkSubjects(query: SubjectQuery, policy: Policy): string[] {
  return subjectsOf(query, policy)
    .subjects.filter((subject) => subject.applies)
    .map((subject) => subject.key);
}

/** The scope of a subject string (the text before the first `:`), or null when it names none. */
export function scopeOfSubject(subject: string): SubjectScope | null {
  const scope = subject.slice(0, subject.indexOf(':'));
  return scope === 'ip' || scope === 'range' || scope === 'account' || scope === 'account-ip' || scope === 'account-credential'
    ? scope
    : null;
}

function nonBlank(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
