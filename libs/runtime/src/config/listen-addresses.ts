import { z } from 'zod';
import { normalizeIp } from '#warden/ban-policy';

/** Loopback only, both families: what a first start exposes (nothing beyond this machine). */
export const LOOPBACK_ADDRESSES: readonly string[] = ['127.0.0.1', '::1'];

/**
 * `HOST`: a comma list of IP addresses to listen on; `localhost` stands for both loopback
 * addresses (resolved here, not by DNS, so `/etc/hosts` cannot widen it). `0.0.0.0` or `::`
 * opens Warden to other machines. Names other than `localhost` are refused: what a name resolves
 * to can change under a running server.
 */
export const listenAddressesSchema = z.string().transform((value, context): string[] => {
  const addresses: string[] = [];
  const entries = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (entries.length === 0) context.addIssue({ code: 'custom', message: 'must name at least one address' });
  for (const entry of entries) {
    if (entry === 'localhost') {
      addresses.push(...LOOPBACK_ADDRESSES);
      continue;
    }
    const address = normalizeIp(entry.replace(/^\[(.*)\]$/, '$1'));
    if (address === null) context.addIssue({ code: 'custom', message: `"${entry}" is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0 for every interface, or localhost)` });
    else addresses.push(address);
  }
  return [...new Set(addresses)];
});
