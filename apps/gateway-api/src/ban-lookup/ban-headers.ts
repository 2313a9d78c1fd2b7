import type { BanStatus } from '#warden/ban-policy';
import { throttledHeaders } from '#warden/http-kit';

/** The quota policy name the gateway's answers give every ban: never the rule's own. */
const BAN_POLICY = 'ban';

/**
 * The headers of a status or check whose caller is banned: `Retry-After`, the wait of the longest
 * ban that applies (DESIGN §7), and, where a visible ban applies (the check's 429), `RateLimit`
 * with that same wait as its reset. Neither the rule nor its threshold shows (no
 * `RateLimit-Policy`); an invisible ban alone adds no rate-limit header. None when not banned.
 */
export function banHeaders(status: BanStatus): Record<string, string> {
  if (!status.banned) return {};
  const headers = throttledHeaders(BAN_POLICY, status.retryAfter);
  if (status.gatewayStatus !== 429) delete headers.RateLimit;
  return headers;
}
