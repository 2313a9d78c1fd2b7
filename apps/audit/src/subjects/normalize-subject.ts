import { normalizeAccount, normalizeIp, parseCidr, scopeOfSubject, type Cidr } from '#warden/ban-policy';

/** CIDR text of a parsed range: the network address in canonical form, then the prefix. */
export function cidrText({ network, prefix }: Cidr): string {
  const address =
    network.version === 4
      ? [24, 16, 8, 0].map((shift) => (network.value >>> shift) & 0xff).join('.')
      : normalizeIp(network.groups.map((group) => group.toString(16)).join(':'));
  return `${address}/${prefix}`;
}

/**
 * A subject named in a request (the `{subject}` of a path, the `subject` filter of a search) in
 * the form the engine keys it by: addresses, ranges and account names normalized, so
 * `ip:::ffff:203.0.113.7` finds `ip:203.0.113.7` and `account:Alice` finds `account:alice`.
 * Null when it names no known scope.
 */
export function normalizeSubject(text: string): string | null {
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
      return account === null || rest === '' ? null : `account-credential:${account}|${rest}`;
    }
  }
}
