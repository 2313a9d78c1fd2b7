import { cidrContains, type IpAddress } from '#warden/contracts';
import type { Allowlist } from './policy.types.js';

/** An allowlisted network or account is never banned (DESIGN §7). */
export function isIpAllowlisted(allowlist: Allowlist, ip: IpAddress): boolean {
  return allowlist.cidrs.some((cidr) => cidrContains(cidr, ip));
}

/** A range is allowlisted only when the whole range lies inside an allowlisted network. */
export function isRangeAllowlisted(allowlist: Allowlist, ip: IpAddress, prefix: number): boolean {
  return allowlist.cidrs.some((cidr) => cidrContains(cidr, ip, prefix));
}

export function isAccountAllowlisted(allowlist: Allowlist, account: string | null): boolean {
  return account !== null && allowlist.accounts.has(account);
}
