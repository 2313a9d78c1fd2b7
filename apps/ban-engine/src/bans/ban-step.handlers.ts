import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { banDecisionRecord, banEventRow, banRow, incidentRecord } from '../decisions/wire-records.js';
import { EscalateBanCommand, ImposeBanCommand } from './ban.commands.js';
import type { RecordedBan } from './recorded-ban.js';

/** A ban step: the decision as the tables and topics carry it. Nothing is written or sent here; the stage collects the results. */
abstract class RecordBanHandler {
  async execute({ decision, incident }: ImposeBanCommand | EscalateBanCommand): Promise<RecordedBan> {
    return {
      row: banRow(decision),
      event: banEventRow(decision),
      decisionRecord: { key: decision.subject, value: JSON.stringify(banDecisionRecord(decision)) },
      incidentRecord: { key: incident.subject, value: JSON.stringify(incidentRecord(incident)) },
    };
  }
}

@CommandHandler(ImposeBanCommand)
export class ImposeBanHandler extends RecordBanHandler implements ICommandHandler<ImposeBanCommand> {}

@CommandHandler(EscalateBanCommand)
export class EscalateBanHandler extends RecordBanHandler implements ICommandHandler<EscalateBanCommand> {}
