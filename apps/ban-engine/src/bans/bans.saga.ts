import { Injectable } from '@nestjs/common';
import { ofType, Saga, type ICommand, type IEvent } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';
import { AnnounceBanCommand, EscalateBanCommand, ImposeBanCommand } from './ban.commands.js';
import { BanImposedEvent, ThresholdCrossedEvent } from './ban.events.js';
import { failingTheBatch } from './saga-errors.js';

/**
 * The life of a ban, as a pure mapping from events to commands (DESIGN §2): a crossed threshold
 * imposes a ban, or escalates the one in force; an imposed ban is announced. Each step runs inside
 * the batch's transaction; an error in a step fails the batch (see saga-errors.ts).
 */
@Injectable()
export class BansSaga {
  @Saga()
  thresholdCrossed = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(ThresholdCrossedEvent),
      failingTheBatch(({ decision, incident, batch }) =>
        decision.type === 'ban_escalated'
          ? new EscalateBanCommand(decision, incident, batch)
          : new ImposeBanCommand(decision, incident, batch),
      ),
    );

  @Saga()
  banImposed = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(BanImposedEvent),
      failingTheBatch(({ decision, incident, batch }) => new AnnounceBanCommand(decision, incident, batch)),
    );
}
