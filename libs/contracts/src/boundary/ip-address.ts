/**
 * IP addresses as the policy sees them: IPv4 as a 32-bit number, IPv6 as eight 16-bit groups.
 * An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is the IPv4 address it carries, so one client
 * is one subject whichever socket family reported it. IPv6 prints in RFC 5952 canonical form.
 */
export type IpAddress =
  | { readonly version: 4; readonly value: number }
  | { readonly version: 6; readonly groups: readonly number[] };

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) return parseIpv6(text);
  const value = parseIpv4(text);
  return value === null ? null : { version: 4, value };
}

/** Canonical text of an address, or null when the text is not an IP address. */
export function normalizeIp(text: string): string | null {
  const address = parseIp(text.trim());
  return address === null ? null : formatIp(address);
}

export function formatIp(address: IpAddress): string {
  return address.version === 4 ? formatIpv4(address.value) : formatIpv6(address.groups);
}

/** The network of `address` with `prefix` bits kept, as CIDR text (e.g. `203.0.113.0/24`). */
export function ipRange(address: IpAddress, prefix: number): string {
  return `${formatIp(maskIp(address, prefix))}/${prefix}`;
}

export function maskIp(address: IpAddress, prefix: number): IpAddress {
  if (address.version === 4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { version: 4, value: (address.value & mask) >>> 0 };
  }
  return { version: 6, groups: address.groups.map((group, i) => group & groupMask(prefix, i)) };
}

export interface Cidr {
  readonly network: IpAddress;
  readonly prefix: number;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (addressText === undefined || extra !== undefined) return null;
  const address = parseIp(addressText);
  if (address === null) return null;
  const maxPrefix = address.version === 4 ? 32 : 128;
  let prefix = maxPrefix;
  if (prefixText !== undefined) {
    // Decimal without leading zeros: `/08` is a typo or another tool's notation, not a prefix.
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    // `::ffff:10.0.0.0/104` names an IPv4 block: its prefix counts the 96 mapped bits.
    if (address.version === 4 && addressText.includes(':')) prefix -= 96;
    if (prefix < 0 || prefix > maxPrefix) return null;
  }
  return { network: maskIp(address, prefix), prefix };
}

/** Whether `address`, taken with at least `prefix` bits fixed, lies inside `cidr`. */
export function cidrContains(cidr: Cidr, address: IpAddress, prefix = 128): boolean {
  if (cidr.network.version !== address.version || prefix < cidr.prefix) return false;
  const masked = maskIp(address, cidr.prefix);
  const network = cidr.network;
  if (masked.version === 4) return network.version === 4 && masked.value === network.value;
  return network.version === 6 && masked.groups.every((group, i) => group === network.groups[i]);
}

/**
 * Four dotted decimal octets, 0–255, without leading zeros (a leading zero reads as octal in some
 * parsers: refuse it rather than guess). Scanned by hand: this runs for every attempt, and a
 * regex match with its capture array cost more than the rest of forming the subjects.
 */
function parseIpv4(text: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      if (digits === 1 && octet === 0) return null;
      octet = octet * 10 + (code - 0x30);
      if (++digits > 3) return null;
    } else if (code === 0x2e && digits > 0 && dots < 3 && octet <= 255) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0 || octet > 255) return null;
  return value * 256 + octet;
}

function parseIpv6(text: string): IpAddress | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  if (isIpv4Mapped(groups)) return { version: 4, value: groups[6]! * 0x10000 + groups[7]! };
  return { version: 6, groups };
}

/** Groups of one side of `::`; a dotted IPv4 is allowed as the last element and counts as two. */
function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function isIpv4Mapped(groups: readonly number[]): boolean {
  return groups[5] === 0xffff && groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0;
}

function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2, leftmost on a tie) of zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function groupMask(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(16, prefix - index * 16));
  return bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
}
