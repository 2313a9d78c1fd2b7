import { randomUUID } from 'node:crypto';
import { MAX_ATTEMPTS_PER_REQUEST, type AttemptInput } from '#warden/contracts';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { WardenUnavailableError, type WardenHttp } from './warden-http.js';

export interface ReporterOptions {
  /** Attempts per `POST /v1/attempts` (at most 1,000). */
  readonly batchSize: number;
  /** How long an attempt may wait for its batch to fill. */
  readonly flushIntervalMs: number;
  /** Attempts queued at most; beyond, `report` waits for room (or drops, with `whenFull: 'drop'`). */
  readonly maxQueue: number;
  readonly whenFull: 'wait' | 'drop';
  /** Resends of a batch after a 5xx, 429, timeout or network error, before it is dropped. */
  readonly maxRetries: number;
  readonly backoff: BackoffOptions;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly onError?: (error: Error) => void;
}

export interface ReporterCounters {
  /** Attempts Warden accepted (202). */
  reported: number;
  /** Batches sent again after a failure worth retrying. */
  retries: number;
  /** Attempts given up: retries spent, the queue full with `whenFull: 'drop'`, or refused (4xx). */
  dropped: number;
}

/**
 * `report`: attempts queued and sent in batches, one batch in flight at a time. Each attempt gets
 * its id and `occurredAt` when queued, so a resent batch counts once (the engine keeps each id
 * once) and its event time is when it happened, not when it was sent.
 */
export class AttemptReporter {
  readonly counters: ReporterCounters = { reported: 0, retries: 0, dropped: 0 };
  private queue: AttemptInput[] = [];
  private readonly roomWaiters: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private closed = false;

  constructor(
    private readonly http: WardenHttp,
    private readonly options: ReporterOptions,
  ) {
    if (options.batchSize < 1 || options.batchSize > MAX_ATTEMPTS_PER_REQUEST) throw new RangeError(`batchSize must be 1 to ${MAX_ATTEMPTS_PER_REQUEST}`);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once every attempt is queued (not sent); waits while the queue is full. */
  async report(attempts: readonly AttemptInput[]): Promise<void> {
    for (const attempt of attempts) {
      if (this.closed) throw new Error('the Warden client is closed');
      if (this.queue.length >= this.options.maxQueue) {
        if (this.options.whenFull === 'drop') {
          this.counters.dropped++;
          continue;
        }
        while (this.queue.length >= this.options.maxQueue) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
      }
      this.queue.push(stamped(attempt, this.options.now()));
      if (this.queue.length >= this.options.batchSize) this.send();
    }
    if (this.queue.length > 0 && this.timer === undefined && this.sending === undefined) {
      this.timer = setTimeout(() => this.send(), this.options.flushIntervalMs);
    }
  }

  /** Sends everything queued so far and waits for it (or for its retries to give up). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.sending) {
      this.send();
      await this.sending;
    }
  }

  /** Refuses new attempts and flushes the queue. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      if (this.queue.length > 0) this.timer = setTimeout(() => this.send(), this.options.flushIntervalMs);
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length >= this.options.batchSize || (this.queue.length > 0 && this.timer === undefined)) {
      const batch = this.queue.splice(0, this.options.batchSize);
      for (const resolve of this.roomWaiters.splice(0)) resolve();
      await this.sendWithRetries(batch);
    }
  }

  private async sendWithRetries(batch: AttemptInput[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.http.postAttempts(batch, { wait: false, timeoutMs: this.options.timeoutMs });
        this.counters.reported += batch.length;
        return;
      } catch (error) {
        const retriable = error instanceof WardenUnavailableError;
        if (!retriable || attempt >= this.options.maxRetries) {
          this.counters.dropped += batch.length;
          this.options.onError?.(new Error(`dropped ${batch.length} attempts: ${(error as Error).message}`, { cause: error }));
          return;
        }
        this.counters.retries++;
        const wait = Math.max(error.retryAfterMs ?? 0, backoffDelay(attempt, this.options.backoff));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

/** The attempt with the id and `occurredAt` it keeps through every resend. */
export function stamped(attempt: AttemptInput, now: number): AttemptInput {
  if (attempt.id !== undefined && attempt.occurredAt !== undefined) return attempt;
  return { ...attempt, id: attempt.id ?? randomUUID(), occurredAt: attempt.occurredAt ?? new Date(now).toISOString() };
}
