import { cidrText, normalizeAccount, normalizeIp, parseCidr, type ManualBanRequest } from '#warden/contracts';

/** `ip:…`, `account:…` or `range:…` of a manual ban request, normalized as the policy names subjects, or the field at fault. */
export function subjectOfBanRequest(request: ManualBanRequest): { subject: string } | { field: string; message: string } {
  if (request.ip !== undefined) {
    const ip = normalizeIp(request.ip);
    return ip === null ? { field: 'ip', message: 'must be an IPv4 or IPv6 address' } : { subject: `ip:${ip}` };
  }
  if (request.account !== undefined) {
    const account = normalizeAccount(request.account);
    return account === null ? { field: 'account', message: 'must not be blank' } : { subject: `account:${account}` };
  }
  const range = parseCidr(request.range ?? '');
  return range === null ? { field: 'range', message: 'must be a CIDR such as 203.0.113.0/24' } : { subject: `range:${cidrText(range)}` };
}
