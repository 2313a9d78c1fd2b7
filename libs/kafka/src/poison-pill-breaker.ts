import type { Logger } from '@nestjs/common';
import { errorText, type RawRecord, type RefusedRecord } from './dead-letters.js';
import { isInfrastructureFailure } from './infrastructure-failure.js';
import type { ConsumedRecord } from './message-bus.js';

export interface BreakerOptions {
  /** Tries of a whole batch, and of a single record, before it counts as poison (`WARDEN_POISON_TRIES`). */
  readonly tries: number;
  readonly logger: Logger;
  /** Pauses `ms` (heartbeating where the bus must); false when the consumer is stopping and the batch must be given up. */
  readonly pause: (ms: number) => Promise<boolean>;
}

/** Thrown when a consumer stops while its batch waits: the batch is not committed and comes again. */
export class BatchAbandonedError extends Error {
  constructor() {
    super('the consumer stopped while its batch waited to be tried again');
    this.name = 'BatchAbandonedError';
  }
}

const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 5_000;

/**
 * Handles a batch so that no record can stop its partition (DESIGN §8). A failing batch is tried
 * again with growing pauses; after `tries` failures it is split in halves, in order, to find the
 * record that fails, and that record alone is refused (the bus dead-letters it) while the rest
 * goes on. A failure of the infrastructure is never poison: it waits and tries again, and says so
 * in the log. The handler is idempotent (DESIGN §2), so the halves that succeeded before a later
 * failure may safely be handled again. Returns the refused records.
 */
export async function handleWithBreaker<T>(
  topic: string,
  records: readonly ConsumedRecord<T>[],
  raw: readonly RawRecord[],
  handle: (records: ReadonlyArray<ConsumedRecord<T>>) => Promise<void>,
  options: BreakerOptions,
): Promise<RefusedRecord[]> {
  const refused: RefusedRecord[] = [];
  const run = async (from: number, to: number, tries: number): Promise<void> => {
    let pause = FIRST_PAUSE_MS;
    for (let failures = 0; ; ) {
      try {
        await handle(records.slice(from, to));
        return;
      } catch (error) {
        if (isInfrastructureFailure(error)) {
          options.logger.warn({ msg: 'infrastructure unavailable; the batch waits and is tried again', topic, records: to - from, err: errorText(error) });
        } else if (++failures >= tries) {
          if (to - from === 1) {
            options.logger.error({ msg: 'a record kept failing; dead-lettered', topic, partition: raw[from]!.partition, offset: raw[from]!.offset, err: errorText(error) });
            refused.push({ record: raw[from]!, error: `processing failed ${failures} times: ${errorText(error)}`, reason: 'processing_failed' });
            return;
          }
          options.logger.warn({ msg: 'a batch kept failing; splitting it to find the record at fault', topic, records: to - from, err: errorText(error) });
          const middle = from + Math.ceil((to - from) / 2);
          // Halves get one try each until a single record is left: that one gets every try.
          await run(from, middle, middle - from === 1 ? options.tries : 1);
          await run(middle, to, to - middle === 1 ? options.tries : 1);
          return;
        } else {
          options.logger.warn({ msg: 'batch failed; trying again', topic, records: to - from, failures, err: errorText(error) });
        }
        if (!(await options.pause(pause))) throw new BatchAbandonedError();
        pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      }
    }
  };
  if (records.length > 0) await run(0, records.length, options.tries);
  return refused;
}
