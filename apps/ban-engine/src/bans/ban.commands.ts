import { Command } from '@nestjs/cqrs';
import type { BanDecision, Incident } from '#warden/ban-policy';
import type { RecordedBan } from './recorded-ban.js';

abstract class BanCommand extends Command<RecordedBan> {
  constructor(
    readonly decision: BanDecision,
    readonly incident: Incident,
  ) {
    super();
  }
}

export class ImposeBanCommand extends BanCommand {}

export class EscalateBanCommand extends BanCommand {}
