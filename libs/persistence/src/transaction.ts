import type { Database } from './database.js';
import type { Prisma } from './generated/prisma/client.js';

/** A transaction in progress: the repositories' writes take one, so that several tables change together or not at all. */
export interface Transaction {
  /** Runs one statement (a `Prisma.sql` template) in the transaction; its rows as node-postgres reads them. */
  query<Row extends object = Record<string, unknown>>(statement: Prisma.Sql): Promise<Row[]>;
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
    const result = await work({ query: async (statement) => (await client.query(statement.text, statement.values)).rows });
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
