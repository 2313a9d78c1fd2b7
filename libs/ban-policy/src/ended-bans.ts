/**
 * Frees the entries of a subject → ban map whose `until` has passed (they no longer apply to
 * anyone); returns how many, and tells `dropped` of each. The gateway's view and the gateway
 * library's cache both sweep so.
 */
export function sweepEndedBans<B extends { readonly until: number }>(bans: Map<string, B>, now: number, dropped?: (subject: string, ban: B) => void): number {
  let count = 0;
  for (const [subject, ban] of bans) {
    if (ban.until <= now) {
      bans.delete(subject);
      dropped?.(subject, ban);
      count++;
    }
  }
  return count;
}
