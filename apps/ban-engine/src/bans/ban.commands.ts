import { Command } from '@nestjs/cqrs';
import type { BanDecision, Incident } from '#warden/ban-policy';
import type { BanBatch } from './ban-batch.js';

/** The commands the ban saga issues; each carries the batch whose transaction it belongs to. */
abstract class BanCommand extends Command<void> {
  constructor(
    readonly decision: BanDecision,
    readonly incident: Incident,
    readonly batch: BanBatch,
  ) {
    super();
  }
}

/** A first ban of the subject (or one after its level memory ran out). */
export class ImposeBanCommand extends BanCommand {}

/** A subject banned already is banned again, longer, at the next level. */
export class EscalateBanCommand extends BanCommand {}

/** Publish the ban's decision to `auth.ban-decisions` and its incident to `auth.incidents`. */
export class AnnounceBanCommand extends BanCommand {}
