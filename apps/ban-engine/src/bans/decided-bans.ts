import type { BanDecision, Incident } from '#warden/ban-policy';

export interface DecidedBan {
  readonly decision: BanDecision;
  /** Its `ban_imposed` / `ban_escalated` incident. */
  readonly incident: Incident;
}

const isBanIncident = (incident: Incident) => !incident.simulated && (incident.type === 'ban_imposed' || incident.type === 'ban_escalated');

/**
 * Splits a batch's incidents into those of its decided bans, paired with their decisions, and the
 * rest (allowlist hits, simulated rules). The policy records a ban's decision and its incident
 * together, so the two lists run in the same order; a mismatch is a bug and stops the batch.
 */
export function pairBansWithIncidents(
  decisions: readonly BanDecision[],
  incidents: readonly Incident[],
): { bans: DecidedBan[]; otherIncidents: Incident[] } {
  const banIncidents = incidents.filter(isBanIncident);
  const bans = decisions.map((decision, index) => {
    const incident = banIncidents[index];
    if (incident?.subject !== decision.subject || incident.type !== decision.type || incident.level !== decision.level) {
      throw new Error(`the policy's ban decision on ${decision.subject} has no matching incident`);
    }
    return { decision, incident };
  });
  if (banIncidents.length !== decisions.length) throw new Error('the policy recorded a ban incident without a decision');
  return { bans, otherIncidents: incidents.filter((incident) => !isBanIncident(incident)) };
}
