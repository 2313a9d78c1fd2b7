import { Inject, Injectable } from '@nestjs/common';
import { deleteInChunks } from '../chunked-delete.js';
import { Database } from '../database.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Transaction } from '../transaction.js';

export interface SubjectStateRow {
  readonly subject: string;
  readonly state: unknown;
  readonly prunableAfter: Date;
}

/** Advisory lock key space of subject locks ("WA"), and how many buckets subjects hash into. */
const SUBJECT_LOCK_SPACE = 0x5741;
const SUBJECT_LOCK_BUCKETS = 256;

/**
 * The `subject_states` table: the policy's state of each subject. Subjects are locked with
 * transaction-scoped advisory locks taken in one global order, so engines that share a subject (an
 * account attacked from IPs on several partitions) take turns on it instead of losing each other's
 * updates, and cannot deadlock.
 */
@Injectable()
export class SubjectStatesRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /** Locks the subjects until the transaction ends, then reads their state. */
  async lockAndLoad(tx: Transaction, subjects: readonly string[]): Promise<Map<string, unknown>> {
    if (subjects.length === 0) return new Map();
    // One lock per hash bucket, not per subject: a batch touches thousands of subjects, and
    // Postgres's lock table holds only max_locks_per_transaction × connections entries. Two
    // subjects in one bucket merely take turns. The two-key form keeps Warden's locks apart
    // from single-key advisory locks (Prisma Migrate's).
    await tx.$queryRaw`
      SELECT pg_advisory_xact_lock(${SUBJECT_LOCK_SPACE}::int, bucket)::text FROM (
        SELECT DISTINCT (hashtext(s) & ${SUBJECT_LOCK_BUCKETS - 1}) AS bucket FROM unnest(${subjects}::text[]) AS s ORDER BY 1
      ) AS ordered`;
    const rows = await tx.$queryRaw<Array<{ subject: string; state: unknown }>>`
      SELECT subject, state FROM subject_states WHERE subject = ANY(${subjects}::text[])`;
    return new Map(rows.map((row) => [row.subject, row.state]));
  }

  async save(tx: Transaction, rows: readonly SubjectStateRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO subject_states (subject, state, prunable_after, updated_at)
      SELECT s, st, p, now() FROM unnest(
        ${rows.map((row) => row.subject)}::text[],
        ${rows.map((row) => JSON.stringify(row.state))}::jsonb[],
        ${rows.map((row) => row.prunableAfter)}::timestamptz[]) AS t(s, st, p)
      ON CONFLICT (subject) DO UPDATE SET state = EXCLUDED.state, prunable_after = EXCLUDED.prunable_after, updated_at = now()`;
  }

  /** Deletes, in chunks, the states that hold nothing the policy still needs; returns how many. */
  async prune(now: Date, chunk = 10_000): Promise<number> {
    // A row a batch is rewriting is locked; DELETE then sees its new prunable_after and keeps it.
    return deleteInChunks(
      this.database,
      (limit) => Prisma.sql`DELETE FROM subject_states WHERE subject IN (SELECT subject FROM subject_states WHERE prunable_after < ${now} LIMIT ${limit})`,
      chunk,
    );
  }
}
