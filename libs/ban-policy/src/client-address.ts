import { cidrContains, normalizeIp, parseIp, type Cidr } from '#warden/contracts';

/** Who is calling: the address Warden judges, and whether a trusted proxy named it. */
export interface ClientAddress {
  /** Canonical IP text of the client. */
  readonly ip: string;
  /** True when a trusted proxy forwarded it (X-Forwarded-For / X-Real-IP): always checked (DESIGN §5). */
  readonly forwarded: boolean;
}

/** Request headers by lower-case name (Node's `IncomingHttpHeaders` fits); `x-forwarded-for` and `x-real-ip` are read. */
export type ForwardingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Whether `ip` (any text) is one of the `trusted` proxies. */
export function isTrustedProxy(ip: string, trusted: readonly Cidr[]): boolean {
  if (trusted.length === 0) return false;
  const address = parseIp(ip);
  return address !== null && trusted.some((cidr) => cidrContains(cidr, address));
}

/**
 * The client of a request: the peer address, or, when the peer is one of the `trusted` proxies,
 * the rightmost untrusted address of `X-Forwarded-For` (else `X-Real-IP`). Walking from the right,
 * each trusted hop is skipped; when every hop is trusted, or the next one to the left does not read
 * as an address, the leftmost address read so far is the client (as nginx's `real_ip_recursive`
 * does). Peer addresses are normalized first (`::ffff:10.0.0.1` is `10.0.0.1`), so one CIDR list
 * serves both socket families. Pure: `/v1/check` and the gateway library (`libs/client`) share it.
 */
export function resolveClientAddress(peer: string | undefined, headers: ForwardingHeaders, trusted: readonly Cidr[]): ClientAddress {
  const peerIp = normalizeIp(peer ?? '') ?? '0.0.0.0';
  if (!isTrustedProxy(peerIp, trusted)) return { ip: peerIp, forwarded: false };
  const chain = forwardedChain(headers);
  let client: string | null = null;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = forwardedAddress(chain[i]!);
    if (hop === null) break;
    client = hop;
    if (!isTrustedProxy(hop, trusted)) break;
  }
  return client === null ? { ip: peerIp, forwarded: false } : { ip: client, forwarded: true };
}

/** `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443` or `2001:db8::1` → canonical text, or null. */
function forwardedAddress(entry: string): string | null {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return normalizeIp(bracketed[1]!);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  return normalizeIp(v4WithPort ? v4WithPort[1]! : text);
}

function forwardedChain(headers: ForwardingHeaders): string[] {
  const forwardedFor = headers['x-forwarded-for'];
  const list = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor?.join(',');
  if (list !== undefined && list.trim() !== '') return list.split(',');
  const realIp = headers['x-real-ip'];
  const single = typeof realIp === 'string' ? realIp : realIp?.[realIp.length - 1];
  return single !== undefined && single.trim() !== '' ? [single] : [];
}
