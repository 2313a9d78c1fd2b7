import type { Database } from './database.js';
import type { Prisma } from './generated/prisma/client.js';

/** A transaction in progress: the repositories' writes take one, so that several tables change together or not at all. */
export type Transaction = Prisma.TransactionClient;

/**
 * Runs `work` in one Postgres transaction: it commits when `work` resolves, and a throw rolls
 * everything back. The one way Warden opens a transaction.
 */
export function inTransaction<T>(database: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return database.prisma.$transaction((tx) => work(tx), { maxWait: 10_000, timeout: 60_000 });
}
