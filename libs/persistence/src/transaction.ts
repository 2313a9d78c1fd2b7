import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './database.js';
import type { Prisma } from './generated/prisma/client.js';

/** A transaction in progress: the repositories' writes take one, so that several tables change together or not at all. */
export interface Transaction {
  /** Runs one statement (a `Prisma.sql` template) in the transaction; its rows as node-postgres reads them. */
  query<Row extends object = Record<string, unknown>>(statement: Prisma.Sql): Promise<Row[]>;
  /** Runs `COPY … FROM STDIN` (a statement of fixed text) with `rows` as its data, in COPY's text format (`copyTextRow`); returns how many rows it copied. */
  copyFrom(statement: string, rows: string): Promise<number>;
}

/**
 * How a transaction sees the others: `read-write` (Postgres' default, READ COMMITTED: each
 * statement sees what committed before it), or `snapshot` (REPEATABLE READ, READ ONLY: every
 * statement sees the database as of the first, so several reads agree with each other).
 */
export type TransactionMode = 'read-write' | 'snapshot';

const BEGIN: Record<TransactionMode, string> = { 'read-write': 'BEGIN', snapshot: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' };

/**
 * Runs `work` in one Postgres transaction: it commits when `work` resolves, and a throw rolls
 * everything back. The one way Warden opens a transaction.
 *
 * On a connection of the pool through node-postgres, not a Prisma interactive transaction: Prisma
 * serializes every parameter of a raw statement to JSON and parses it back before node-postgres
 * sees it, which for the engine's checkpoints (megabytes of state, arrays of ten thousand ban
 * fields) was a tenth of the engine's CPU in bench:engine's profile.
 */
export async function inTransaction<T>(database: Database, work: (tx: Transaction) => Promise<T>, mode: TransactionMode = 'read-write'): Promise<T> {
  const client = await database.pool.connect();
  // A connection whose ROLLBACK fails is broken: it is destroyed, not put back in the pool.
  let broken: Error | undefined;
  try {
    await client.query(BEGIN[mode]);
    const result = await work({
      query: async (statement) => (await client.query(statement.text, statement.values)).rows,
      copyFrom: async (statement, rows) => {
        const copy = client.query(copyFrom(statement));
        await pipeline(Readable.from([rows]), copy);
        return copy.rowCount;
      },
    });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
