import type { BanDecision, Incident } from '#warden/ban-policy';
import type { BanBatch } from './ban-batch.js';

/** The policy found a rule's threshold reached (or a banned subject failing again): a ban must follow. */
export class ThresholdCrossedEvent {
  constructor(
    readonly decision: BanDecision,
    readonly incident: Incident,
    readonly batch: BanBatch,
  ) {}
}

/** A ban was imposed or escalated in the batch's transaction: it must be announced. */
export class BanImposedEvent {
  constructor(
    readonly decision: BanDecision,
    readonly incident: Incident,
    readonly batch: BanBatch,
  ) {}
}
