import type { Database } from './database.js';
import type { Prisma } from './generated/prisma/client.js';

/**
 * Runs a DELETE of at most `chunk` rows (the statement's LIMIT) until one deletes fewer: a large
 * prune never holds one long transaction or locks the whole table. Returns how many were deleted.
 */
export async function deleteInChunks(database: Database, statement: (chunk: number) => Prisma.Sql, chunk: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await database.prisma.$executeRaw(statement(chunk));
    total += deleted;
    if (deleted < chunk) return total;
  }
}
