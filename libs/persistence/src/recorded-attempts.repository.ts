import type { Database } from './database.js';
import { Prisma } from './generated/prisma/client.js';

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

interface Row {
  id: string;
  occurred_at: Date;
  received_at: Date;
  outcome: string;
  ip: string;
  account: string | null;
  credential_fingerprint: string | null;
}

/**
 * Reads the recorded attempts (the `login_attempts` table the engine writes) of a span, in
 * recorded order — event time, then receipt, then id — batch by batch with a keyset cursor, so a
 * million rows are never in memory at once and each page is an index range scan.
 */
export class RecordedAttemptsRepository {
  constructor(private readonly database: Database) {}

  async *stream(span: RecordedAttemptsSpan = {}): AsyncGenerator<RecordedAttempt[]> {
    const size = span.batchSize ?? 5_000;
    const bounds = [
      span.from === undefined ? Prisma.empty : Prisma.sql`AND occurred_at >= ${span.from}`,
      span.to === undefined ? Prisma.empty : Prisma.sql`AND occurred_at < ${span.to}`,
    ];
    let after: Row | null = null;
    for (;;) {
      const cursor: Prisma.Sql = after === null
        ? Prisma.empty
        : Prisma.sql`AND (occurred_at, received_at, id) > (${after.occurred_at}, ${after.received_at}, ${after.id}::uuid)`;
      const rows: Row[] = await this.database.prisma.$queryRaw<Row[]>`
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

function recordedAttempt(row: Row): RecordedAttempt {
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
