/**
 * Frees the entries of a subject → ban map whose `until` has passed (they no longer apply to
 * anyone); returns how many. The gateway's view and the gateway library's cache both sweep so.
 */
export function sweepEndedBans(bans: Map<string, { readonly until: number }>, now: number): number {
  let dropped = 0;
  for (const [subject, ban] of bans) {
    if (ban.until <= now) {
      bans.delete(subject);
      dropped++;
    }
  }
  return dropped;
}
