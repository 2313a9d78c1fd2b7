import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { AnnounceBanCommand, EscalateBanCommand, ImposeBanCommand } from './ban.commands.js';
import { BanImposedEvent } from './ban.events.js';

/** Imposing and escalating store the same things (the ban row and a history row); the decision says which. */
abstract class RecordBanHandler {
  constructor(@Inject(EventBus) private readonly events: EventBus) {}

  async execute({ decision, incident, batch }: ImposeBanCommand | EscalateBanCommand): Promise<void> {
    batch.recordBan(decision);
    this.events.publish(new BanImposedEvent(decision, incident, batch));
  }
}

@CommandHandler(ImposeBanCommand)
export class ImposeBanHandler extends RecordBanHandler implements ICommandHandler<ImposeBanCommand> {}

@CommandHandler(EscalateBanCommand)
export class EscalateBanHandler extends RecordBanHandler implements ICommandHandler<EscalateBanCommand> {}

@CommandHandler(AnnounceBanCommand)
export class AnnounceBanHandler implements ICommandHandler<AnnounceBanCommand> {
  async execute({ decision, incident, batch }: AnnounceBanCommand): Promise<void> {
    batch.announce(decision, incident);
  }
}
