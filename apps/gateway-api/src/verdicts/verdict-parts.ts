import type { Verdict, VerdictRecord } from '#warden/contracts';

/**
 * The verdict of an attempt written to both stages' topics, from the parts the two stages
 * published (both computed at the attempt's event time): the bans of both, the network's first,
 * the longest one's end and Retry-After, 429 if either part says so, else 401 if either is banned.
 */
export function mergeVerdictParts(network: Verdict, account: Verdict): Verdict {
  if (network.bans.length === 0 && !network.trigger && network.gatewayStatus === null) return account;
  const longest = network.until !== null && (account.until === null || Date.parse(network.until) > Date.parse(account.until)) ? network : account;
  return {
    attemptId: account.attemptId,
    banned: network.banned || account.banned,
    retryAfter: longest.retryAfter,
    until: longest.until,
    bans: [...network.bans, ...account.bans],
    trigger: network.trigger || account.trigger,
    gatewayStatus: network.gatewayStatus === 429 || account.gatewayStatus === 429 ? 429 : (network.gatewayStatus ?? account.gatewayStatus),
  };
}

/** A verdict record as the HTTP answer carries it: no `schemaVersion` (it versions the Kafka record) and no `part`. */
export function verdictOf({ schemaVersion: _version, part: _part, ...verdict }: VerdictRecord): Verdict {
  return verdict;
}
