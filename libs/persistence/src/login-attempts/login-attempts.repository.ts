import { Inject, Injectable } from '@nestjs/common';
import type { LoginAttemptEvent } from '#warden/contracts';
import { deleteInChunks } from '../chunked-delete.js';
import { copyTextRow } from '../copy-text.js';
import { Database } from '../database.js';
import { Prisma } from '../generated/prisma/client.js';
import { minutesBetween } from '../minute-buckets.js';
import { inTransaction } from '../transaction.js';

/** Recorded attempts of one minute of a window (0 = the first) with one outcome. */
export interface AttemptMinuteCount {
  readonly minute: number;
  readonly outcome: string;
  readonly count: number;
}

/** A login attempt as recorded in `login_attempts`, times as epoch milliseconds. */
export interface RecordedAttempt {
  readonly id: string;
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly outcome: 'success' | 'failure';
  readonly ip: string;
  readonly account: string | null;
  readonly credentialFingerprint: string | null;
}

export interface RecordedAttemptsSpan {
  /** Event times (`occurred_at`), `from` included, `to` excluded; open where absent. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly batchSize?: number;
}

interface RecordedRow {
  id: string;
  occurred_at: Date;
  received_at: Date;
  outcome: string;
  ip: string;
  account: string | null;
  credential_fingerprint: string | null;
}

/** The columns the archiver writes, in the order of its COPY rows. */
const ARCHIVED_COLUMNS = 'id, occurred_at, received_at, outcome, ip, account, credential_fingerprint, endpoint, tenant, user_agent';

/**
 * The `login_attempts` table: each attempt once, as the archiver records them. Counts are an
 * index-only range scan of `login_attempts (occurred_at, outcome)`; the recorded attempts of a
 * span are read in recorded order — event time, then receipt, then id — batch by batch with a
 * keyset cursor, so a million rows are never in memory at once and each page is a range scan.
 */
@Injectable()
export class LoginAttemptsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /**
   * Records the attempts (the archiver's batches), each id once however often it comes; returns
   * how many were new. COPY into a table of the connection's own, then one INSERT from it that
   * skips the ids already recorded (COPY itself cannot): Postgres reads COPY's text rows with no
   * parameter to parse, and node-postgres builds no array literal per column.
   */
  async archive(attempts: readonly LoginAttemptEvent[]): Promise<number> {
    if (attempts.length === 0) return 0;
    let rows = '';
    for (const attempt of attempts) {
      rows += copyTextRow([
        attempt.id, attempt.occurredAt, attempt.receivedAt, attempt.outcome, attempt.ip, attempt.account,
        attempt.credentialFingerprint, attempt.endpoint, attempt.tenant, attempt.userAgent,
      ]);
    }
    return inTransaction(this.database, async (tx) => {
      // Emptied at each commit, kept for the connection's next batch.
      await tx.query(Prisma.sql`CREATE TEMP TABLE IF NOT EXISTS login_attempts_incoming (LIKE login_attempts INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
      await tx.copyFrom(`COPY login_attempts_incoming (${ARCHIVED_COLUMNS}) FROM STDIN`, rows);
      const [inserted] = await tx.query<{ count: number }>(Prisma.sql`
        WITH inserted AS (
          INSERT INTO login_attempts (${Prisma.raw(ARCHIVED_COLUMNS)})
          SELECT ${Prisma.raw(ARCHIVED_COLUMNS)} FROM login_attempts_incoming
          -- Rows in one order: two batches inserting the same ids wait for each other, never deadlock.
          ORDER BY id
          ON CONFLICT (id) DO NOTHING
          RETURNING 1)
        SELECT count(*)::int AS count FROM inserted`);
      return inserted?.count ?? 0;
    });
  }

  /** Deletes, in chunks, the attempts received before `before` (a replay can no longer bring them back); returns how many. */
  async prune(before: Date, chunk = 10_000): Promise<number> {
    return deleteInChunks(
      this.database,
      (limit) => Prisma.sql`DELETE FROM login_attempts WHERE id IN (SELECT id FROM login_attempts WHERE received_at < ${before} LIMIT ${limit})`,
      chunk,
    );
  }

  /** Attempts with `from <= occurredAt < to`, counted per minute from `from` and outcome. */
  async perMinute(from: Date, to: Date): Promise<AttemptMinuteCount[]> {
    const { rows } = await this.database.pool.query<Omit<AttemptMinuteCount, 'minute'> & { minute: Date }>(
      `SELECT date_trunc('minute', occurred_at) AS minute, outcome, count(*)::int AS count
       FROM login_attempts WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY 1, 2`,
      [from, to],
    );
    return rows.map((row) => ({ ...row, minute: minutesBetween(from, row.minute) }));
  }

  async *stream(span: RecordedAttemptsSpan = {}): AsyncGenerator<RecordedAttempt[]> {
    const size = span.batchSize ?? 5_000;
    const bounds = [
      span.from === undefined ? Prisma.empty : Prisma.sql`AND occurred_at >= ${span.from}`,
      span.to === undefined ? Prisma.empty : Prisma.sql`AND occurred_at < ${span.to}`,
    ];
    let after: RecordedRow | null = null;
    for (;;) {
      const cursor: Prisma.Sql = after === null
        ? Prisma.empty
        : Prisma.sql`AND (occurred_at, received_at, id) > (${after.occurred_at}, ${after.received_at}, ${after.id}::uuid)`;
      const rows: RecordedRow[] = await this.database.prisma.$queryRaw<RecordedRow[]>`
        SELECT id::text, occurred_at, received_at, outcome, ip, account, credential_fingerprint FROM login_attempts
        WHERE true ${bounds[0]!} ${bounds[1]!} ${cursor}
        ORDER BY occurred_at, received_at, id LIMIT ${size}`;
      if (rows.length === 0) return;
      yield rows.map(recordedAttempt);
      if (rows.length < size) return;
      after = rows[rows.length - 1]!;
    }
  }
}

function recordedAttempt(row: RecordedRow): RecordedAttempt {
  return {
    id: row.id,
    occurredAt: row.occurred_at.getTime(),
    receivedAt: row.received_at.getTime(),
    outcome: row.outcome === 'success' ? 'success' : 'failure',
    ip: row.ip,
    account: row.account,
    credentialFingerprint: row.credential_fingerprint,
  };
}
