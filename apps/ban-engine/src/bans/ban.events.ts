import type { BanDecision, Incident } from '#warden/ban-policy';

/** The policy found a subject over a rule's threshold: a ban is imposed, or escalated while one lasts. */
export class ThresholdCrossedEvent {
  constructor(
    readonly decision: BanDecision,
    readonly incident: Incident,
  ) {}
}
