import { retryAfterSeconds } from './event-time.js';
import type { BanItem, BanStatus } from './outcome.types.js';
import { scopeOfSubject } from './subjects.js';

/** A ban as the gateway's in-memory view holds it (times in epoch milliseconds). */
export interface ActiveBan {
  readonly subject: string;
  readonly rule: string;
  readonly level: number;
  readonly until: number;
  readonly visible: boolean;
}

/**
 * The status of a set of subjects at `at`: every ban still in force, the longest one's end and
 * Retry-After, and what the gateway answers (429 if any applicable ban is visible, else 401).
 * Pass the bans of `checkSubjects(query, policy)` (missing ones as undefined).
 */
export function banStatus(bans: Iterable<ActiveBan | null | undefined>, at: number): BanStatus {
  let items: BanItem[] | undefined;
  let longest = -Infinity;
  let visible = false;
  for (const ban of bans) {
    if (ban === null || ban === undefined || ban.until <= at) continue;
    const scope = scopeOfSubject(ban.subject);
    if (scope === null) continue;
    (items ??= []).push({
      subject: ban.subject,
      scope,
      rule: ban.rule,
      level: ban.level,
      until: ban.until,
      retryAfter: retryAfterSeconds(ban.until, at),
      visible: ban.visible,
    });
    if (ban.until > longest) longest = ban.until;
    visible ||= ban.visible;
  }
  if (items === undefined) return { banned: false, retryAfter: 0, until: null, bans: [], gatewayStatus: null };
  return {
    banned: true,
    retryAfter: retryAfterSeconds(longest, at),
    until: longest,
    bans: items,
    gatewayStatus: visible ? 429 : 401,
  };
}
