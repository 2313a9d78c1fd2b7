import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, ofType, Saga, type ICommand, type IEvent } from '@nestjs/cqrs';
import { from, lastValueFrom, map, toArray, type Observable } from 'rxjs';
import { EscalateBanCommand, ImposeBanCommand } from './ban.commands.js';
import { ThresholdCrossedEvent } from './ban.events.js';
import type { DecidedBan } from './decided-bans.js';
import type { RecordedBan } from './recorded-ban.js';

/** ThresholdCrossed → ImposeBan, or EscalateBan when the subject was banned already: a pure mapping to immutable commands. */
export function banCommandFor({ decision, incident }: ThresholdCrossedEvent): ImposeBanCommand | EscalateBanCommand {
  return decision.type === 'ban_escalated' ? new EscalateBanCommand(decision, incident) : new ImposeBanCommand(decision, incident);
}

/**
 * The ban saga. A stage runs it over the bans one batch decided ({@link run}): the events go
 * through the saga's stream, its commands through the command bus, and the results come back to
 * the stage, which publishes and checkpoints them. Nothing is shared between batches, nothing
 * waits on a latch.
 */
@Injectable()
export class BansSaga {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Saga()
  thresholdCrossed = (events$: Observable<IEvent>): Observable<ICommand> => events$.pipe(ofType(ThresholdCrossedEvent), map(banCommandFor));

  /** The ban steps of one batch's decided bans, in the order decided. */
  async run(bans: readonly DecidedBan[]): Promise<RecordedBan[]> {
    if (bans.length === 0) return [];
    const events = bans.map(({ decision, incident }) => new ThresholdCrossedEvent(decision, incident));
    const commands$ = this.thresholdCrossed(from(events)) as Observable<ImposeBanCommand | EscalateBanCommand>;
    const commands = await lastValueFrom(commands$.pipe(toArray()));
    return Promise.all(commands.map((command) => this.commands.execute(command)));
  }
}
