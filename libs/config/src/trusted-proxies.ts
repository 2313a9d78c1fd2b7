import { z } from 'zod';
import { normalizeIp, parseCidr } from '#warden/ban-policy';

/** A network whose proxies Warden believes about the client address, in canonical form. */
export interface TrustedProxyNetwork {
  /** Canonical address text (IPv4-mapped IPv6 written as IPv4). */
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/**
 * `WARDEN_TRUSTED_PROXIES`: a comma list of CIDRs (or bare addresses) of the proxies whose
 * `X-Forwarded-For` / `X-Real-IP` Warden believes. Every entry that is not one is named.
 */
export const trustedProxiesSchema = z.string().transform((value, context): TrustedProxyNetwork[] => {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const networks: TrustedProxyNetwork[] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    const address = normalizeIp(entry.split('/')[0]!);
    if (cidr === null || address === null) {
      context.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8, ::1)` });
    } else {
      networks.push({ address, prefix: cidr.prefix, family: cidr.network.version === 4 ? 'ipv4' : 'ipv6' });
    }
  }
  return networks;
});
