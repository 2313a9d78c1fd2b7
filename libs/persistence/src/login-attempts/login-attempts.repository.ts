import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database.js';
import { minutesBetween } from '../minute-buckets.js';

/** Recorded attempts of one minute of a window (0 = the first) with one outcome. */
export interface AttemptMinuteCount {
  readonly minute: number;
  readonly outcome: string;
  readonly count: number;
}

/**
 * Reads of the `login_attempts` table (the ban engine and the archiver write it). Counts are an
 * index-only range scan of `login_attempts (occurred_at, outcome)`.
 */
@Injectable()
export class LoginAttemptsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /** Attempts with `from <= occurredAt < to`, counted per minute from `from` and outcome. */
  async perMinute(from: Date, to: Date): Promise<AttemptMinuteCount[]> {
    const { rows } = await this.database.pool.query<Omit<AttemptMinuteCount, 'minute'> & { minute: Date }>(
      `SELECT date_trunc('minute', occurred_at) AS minute, outcome, count(*)::int AS count
       FROM login_attempts WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2`,
      [from, to],
    );
    return rows.map((row) => ({ ...row, minute: minutesBetween(from, row.minute) }));
  }
}
