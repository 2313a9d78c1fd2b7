import { normalizeAccount } from '#warden/contracts';
import { isAccountAllowlisted, isIpAllowlisted, isRangeAllowlisted } from './allowlist.js';
import { formatIp, ipRange, parseIp, type IpAddress } from '#warden/contracts';
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

/** What an address contributes to the subjects of every attempt made from it. */
export interface AddressSubjects {
  readonly ip: IpAddress;
  /** Canonical text, as in `ip:…` and `account-ip:…|…`. */
  readonly text: string;
  readonly ipKey: string;
  readonly rangeKey: string;
  readonly ipAllowlisted: boolean;
  readonly rangeAllowlisted: boolean;
  /** The `ip` and `range` subjects of every attempt from this address (shared: they are the same for each)… */
  readonly ipSubject: SubjectRef;
  readonly rangeSubject: SubjectRef;
  /** …and the two of them: the subjects of an attempt without an account. */
  readonly subjects: readonly SubjectRef[];
}

/** Throws InvalidIpAddressError for an address that does not parse. */
export function addressSubjectsOf(ipText: string, policy: Policy): AddressSubjects {
  const trimmed = ipText.trim();
  const ip = parseIp(trimmed);
  if (ip === null) throw new InvalidIpAddressError(ipText);
  const { allowlist, ranges } = policy;
  // Dotted IPv4 text that parses is already canonical (no leading zeros): no need to print it again.
  const dotted = ip.version === 4 && !trimmed.includes(':');
  const text = dotted ? trimmed : formatIp(ip);
  const prefix = ip.version === 4 ? ranges.ipv4Prefix : ranges.ipv6Prefix;
  const checkAllowlist = allowlist.cidrs.length > 0;
  const ipKey = `ip:${text}`;
  const rangeKey = `range:${dotted && prefix % 8 === 0 ? ipv4TextRange(text, prefix) : ipRange(ip, prefix)}`;
  const ipAllowlisted = checkAllowlist && isIpAllowlisted(allowlist, ip);
  const rangeAllowlisted = checkAllowlist && isRangeAllowlisted(allowlist, ip, prefix);
  const ipSubject = subjectRef('ip', ipKey, ipAllowlisted);
  const rangeSubject = subjectRef('range', rangeKey, rangeAllowlisted, !rangeAllowlisted && !ipAllowlisted);
  return {
    ip,
    text,
    ipKey,
    rangeKey,
    ipAllowlisted,
    rangeAllowlisted,
    ipSubject,
    rangeSubject,
    subjects: [ipSubject, rangeSubject],
  };
}

/**
 * The subjects an attempt or a check touches: `account-ip`, `account-credential` and `account`
 * when there is an account (and a fingerprint for the second), then `ip` and `range`.
 * Throws InvalidIpAddressError for an address that does not parse: validate at the edge.
 */
export function subjectsOf(query: SubjectQuery, policy: Policy): AttemptSubjects {
  return formSubjects(query, addressSubjectsOf(query.ip, policy), policy);
}

/** `subjectsOf`, given what the query's address contributes (`addressSubjectsOf(query.ip)`). */
export function formSubjects(query: SubjectQuery, address: AddressSubjects, policy: Policy): AttemptSubjects {
  const account = normalizeAccount(query.account);
  const fingerprint = nonBlank(query.credentialFingerprint);
  const { ip, ipSubject, rangeSubject } = address;
  if (account === null) return { ip, account, fingerprint, subjects: address.subjects };
  // Array literals, not pushes: a pushed array is given room for 16 more (this runs per attempt).
  const accountAllowed = policy.allowlist.accounts.size > 0 && isAccountAllowlisted(policy.allowlist, account);
  const accountIp = subjectRef('account-ip', `account-ip:${account}|${address.text}`, accountAllowed || address.ipAllowlisted);
  const accountSubject = subjectRef('account', `account:${account}`, accountAllowed);
  const subjects =
    fingerprint === null
      ? [accountIp, accountSubject, ipSubject, rangeSubject]
      : [accountIp, subjectRef('account-credential', `account-credential:${account}|${fingerprint}`, accountAllowed), accountSubject, ipSubject, rangeSubject];
  return { ip, account, fingerprint, subjects };
}

/** `ipRange` of canonical dotted IPv4 text at a whole-octet prefix, cut from the text (no parsing, one string). */
function ipv4TextRange(text: string, prefix: number): string {
  const octets = prefix / 8;
  if (octets === 0) return '0.0.0.0/0';
  let end = -1;
  for (let kept = 0; kept < octets && end < text.length; kept++) {
    end = text.indexOf('.', end + 1);
    if (end < 0) end = text.length;
  }
  return `${text.slice(0, end)}${ZERO_OCTETS[4 - octets]}/${prefix}`;
}

const ZERO_OCTETS = ['', '.0', '.0.0', '.0.0.0'];

function subjectRef(scope: SubjectScope, key: string, allowlisted: boolean, applies = !allowlisted): SubjectRef {
  return { scope, key: flat(key), allowlisted, applies };
}

/**
 * `text`, flattened. V8 keeps a concatenation of 13 characters or more as a rope of its parts,
 * and looking a rope up in a Map is slow (it is hashed and compared piece by piece: a subject
 * key's lookups in a store of 140,000 took a quarter longer). Reading a character of a rope
 * flattens it in place, once, for every lookup that follows.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** The distinct subjects the attempts touch (for instance, the states to load before `decide`). An address is parsed once however many attempts come from it. */
export function subjectKeysOf(attempts: readonly SubjectQuery[], policy: Policy): string[] {
  const addresses = new AddressCache(policy);
  const keys = new Set<string>();
  for (const attempt of attempts) {
    for (const subject of formSubjects(attempt, addresses.of(attempt.ip), policy).subjects) keys.add(subject.key);
  }
  return [...keys];
}

/**
 * Addresses already parsed, by the text the attempts gave: for one batch, or for as long as a
 * store lives (`SubjectStates`). Holding at most `capacity`, it starts afresh when full.
 */
export class AddressCache {
  private readonly byText = new Map<string, AddressSubjects>();

  constructor(
    private readonly policy: Policy,
    private readonly capacity = Infinity,
  ) {}

  of(ip: string): AddressSubjects {
    let address = this.byText.get(ip);
    if (address === undefined) {
      if (this.byText.size >= this.capacity) this.byText.clear();
      address = addressSubjectsOf(ip, this.policy);
      this.byText.set(ip, address);
    }
    return address;
  }
}

/**
 * The prefix lengths of the range bans in force, per IP version. The policy's rules ban its own
 * prefix only (IPv4 /24, IPv6 /64), but a manual ban may name any network (`range:10.0.0.0/8`):
 * a check must look the caller's address up masked to each length in use, or such a ban is
 * never enforced. A handful of lengths at most, so a check stays a few map lookups.
 */
export interface RangePrefixes {
  readonly ipv4: readonly number[];
  readonly ipv6: readonly number[];
}

export const NO_RANGE_PREFIXES: RangePrefixes = { ipv4: [], ipv6: [] };

/**
 * The subjects whose active bans block a check of these values (for `/v1/check`, `/v1/status`):
 * those an attempt forms, and the caller's networks at each length of `rangePrefixes` besides
 * the policy's own, under the same allowlist rule (an allowlisted address is never blocked). Throws InvalidIpAddressError for an address that does not parse.
 */
export function checkSubjects(query: SubjectQuery, policy: Policy, rangePrefixes: RangePrefixes = NO_RANGE_PREFIXES): string[] {
  return checkKeys(query, addressSubjectsOf(query.ip, policy), policy, rangePrefixes);
}

/**
 * What `checkSubjects` forms from an address alone, for a caller that keeps it per address (the
 * gateway library answers every check from memory, most of them from addresses it has seen).
 */
export interface CheckAddress {
  readonly address: AddressSubjects;
  /** The lengths it was formed for: when the lengths in force are another object, form it again. */
  readonly rangePrefixes: RangePrefixes;
  /** `checkSubjects` of a check without account from this address. */
  readonly keys: readonly string[];
}

/** Throws InvalidIpAddressError for an address that does not parse. */
export function checkAddressOf(ip: string, policy: Policy, rangePrefixes: RangePrefixes = NO_RANGE_PREFIXES): CheckAddress {
  const address = addressSubjectsOf(ip, policy);
  return { address, rangePrefixes, keys: checkKeys({ ip }, address, policy, rangePrefixes) };
}

/**
 * `checkSubjects(query, policy, at.rangePrefixes)` where `at = checkAddressOf(query.ip, policy, …)`:
 * the same keys, without parsing the address again. They end with `at.keys` (the account's
 * subjects come first), and are `at.keys` itself without account (account subjects are formed only
 * with an account), so a caller may keep what it found for the address's own.
 */
export function checkSubjectsAt(query: SubjectQuery, at: CheckAddress, policy: Policy): readonly string[] {
  if (query.account === undefined || query.account === null || normalizeAccount(query.account) === null) return at.keys;
  return checkKeys(query, at.address, policy, at.rangePrefixes);
}

function checkKeys(query: SubjectQuery, address: AddressSubjects, policy: Policy, rangePrefixes: RangePrefixes): string[] {
  const keys: string[] = [];
  for (const subject of formSubjects(query, address, policy).subjects) if (subject.applies) keys.push(subject.key);
  const { ip } = address;
  const [prefixes, own] = ip.version === 4 ? [rangePrefixes.ipv4, policy.ranges.ipv4Prefix] : [rangePrefixes.ipv6, policy.ranges.ipv6Prefix];
  // A network lies inside an allowlisted one only if the address does: one test covers every length.
  if (address.ipAllowlisted) return keys;
  for (const prefix of prefixes) if (prefix !== own) keys.push(`range:${ipRange(ip, prefix)}`);
  return keys;
}

/** The IP version and prefix length of a `range:<cidr>` subject in canonical form, else null. */
export function rangePrefixOfSubject(subject: string): { readonly version: 4 | 6; readonly prefix: number } | null {
  if (!subject.startsWith('range:')) return null;
  const slash = subject.lastIndexOf('/');
  const prefix = Number(subject.slice(slash + 1));
  if (slash < 0 || !Number.isInteger(prefix)) return null;
  return { version: subject.includes(':', 'range:'.length) ? 6 : 4, prefix };
}

export { scopeOfSubject } from '#warden/contracts';

function nonBlank(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
