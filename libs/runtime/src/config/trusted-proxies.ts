import { z } from 'zod';
import { parseCidr, type Cidr } from '#warden/ban-policy';

/**
 * `WARDEN_TRUSTED_PROXIES`: a comma list of CIDRs (or bare addresses) of the proxies whose
 * `X-Forwarded-For` / `X-Real-IP` Warden believes, parsed as the policy's allowlist is. Every
 * entry that is not one is named.
 */
export const trustedProxiesSchema = z.string().transform((value, context): Cidr[] => {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const networks: Cidr[] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr === null) context.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8, ::1)` });
    else networks.push(cidr);
  }
  return networks;
});
