import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { UnhandledExceptionBus, type ICommand } from '@nestjs/cqrs';
import { EMPTY, mergeMap, of, type OperatorFunction, type Subscription } from 'rxjs';
import { BanBatch } from './ban-batch.js';

/**
 * @nestjs/cqrs swallows errors in sagas: a command handler's rejection goes to the
 * UnhandledExceptionBus and is logged, and a throw inside a saga's stream ends that saga for good.
 * Neither may pass silently here, since the batch's offsets would be committed without its bans.
 */

/** A saga step that never breaks its stream: a throw fails the event's batch instead. */
export function failingTheBatch<E extends { batch: BanBatch }>(toCommand: (event: E) => ICommand): OperatorFunction<E, ICommand> {
  return mergeMap((event) => {
    try {
      return of(toCommand(event));
    } catch (error) {
      event.batch.fail(error);
      return EMPTY;
    }
  });
}

/** Routes a failed saga command back to its batch, whose handler then throws to the consumer. */
@Injectable()
export class SagaErrorGuard implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;
  private readonly logger = new Logger(SagaErrorGuard.name);

  constructor(@Inject(UnhandledExceptionBus) private readonly unhandled: UnhandledExceptionBus) {}

  onModuleInit(): void {
    this.subscription = this.unhandled.subscribe(({ cause, exception }) => {
      const batch = (cause as { batch?: unknown }).batch;
      if (batch instanceof BanBatch) batch.fail(exception);
      else this.logger.error({ msg: 'unhandled error in a CQRS handler', cause: cause.constructor.name, err: String(exception) });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
