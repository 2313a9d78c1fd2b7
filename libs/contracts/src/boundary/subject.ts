import { normalizeAccount } from './account-name.js';
import { normalizeIp, parseCidr, type Cidr } from './ip-address.js';
import { hasControlCharacter } from './text.js';

/** What a subject string names: `ip:…`, `range:…`, `account:…`, `account-ip:…`, `account-credential:…`. */
export type SubjectScope = 'ip' | 'range' | 'account' | 'account-ip' | 'account-credential';

export const SUBJECT_SCOPES: readonly SubjectScope[] = ['account-ip', 'account-credential', 'account', 'ip', 'range'];

/** The longest subject Warden stores (the subject columns, an incident's `subject`). */
export const MAX_SUBJECT_LENGTH = 1_024;

/** The scope of a subject string (the text before the first `:`), or null when it names none. */
export function scopeOfSubject(subject: string): SubjectScope | null {
  const scope = subject.slice(0, subject.indexOf(':'));
  return scope === 'ip' || scope === 'range' || scope === 'account' || scope === 'account-ip' || scope === 'account-credential'
    ? scope
    : null;
}

/** CIDR text of a parsed range: the network address in canonical form, then the prefix. */
export function cidrText({ network, prefix }: Cidr): string {
  const address =
    network.version === 4
      ? [24, 16, 8, 0].map((shift) => (network.value >>> shift) & 0xff).join('.')
      : normalizeIp(network.groups.map((group) => group.toString(16)).join(':'));
  return `${address}/${prefix}`;
}

/**
 * A subject named from outside (a path's `{subject}`, a search filter, an admin command, a record
 * key) in the form the engine keys it by: addresses, ranges and account names normalized, so
 * `ip:::ffff:203.0.113.7` finds `ip:203.0.113.7` and `account:Alice` finds `account:alice`.
 * Null when it names no known scope, holds a control character or is longer, once normalized,
 * than a subject may be.
 */
export function normalizeSubject(text: string): string | null {
  if (text.length > MAX_SUBJECT_LENGTH * 4 || hasControlCharacter(text)) return null;
  const subject = normalizedForm(text);
  return subject !== null && subject.length <= MAX_SUBJECT_LENGTH ? subject : null;
}

function normalizedForm(text: string): string | null {
  const scope = scopeOfSubject(text);
  if (scope === null) return null;
  const value = text.slice(scope.length + 1);
  const bar = value.indexOf('|');
  const [name, rest] = bar < 0 ? [value, ''] : [value.slice(0, bar), value.slice(bar + 1)];
  switch (scope) {
    case 'ip': {
      const ip = normalizeIp(value);
      return ip === null ? null : `ip:${ip}`;
    }
    case 'range': {
      const range = parseCidr(value);
      return range === null ? null : `range:${cidrText(range)}`;
    }
    case 'account': {
      const account = normalizeAccount(value);
      return account === null ? null : `account:${account}`;
    }
    case 'account-ip': {
      const account = normalizeAccount(name);
      const ip = normalizeIp(rest);
      return account === null || ip === null ? null : `account-ip:${account}|${ip}`;
    }
    case 'account-credential': {
      const account = normalizeAccount(name);
      const fingerprint = rest.trim();
      return account === null || fingerprint === '' ? null : `account-credential:${account}|${fingerprint}`;
    }
  }
}
