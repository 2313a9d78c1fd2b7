import { PrismaPg } from '@prisma/adapter-pg';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

/**
 * One `pg` pool for the process, shared by Prisma (through its pg adapter) and by what runs on
 * node-postgres directly: transactions (`inTransaction`), the engine's large writes and reads, the
 * migrator's advisory lock.
 */
export class Database {
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  private readonly logger = new Logger(Database.name);

  constructor(url: string, poolSize: number) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'warden' });
    // A client's error (the server restarted, a backend terminated) must not crash the process.
    // The pool drops an idle client that fails; a checked-out one has no listener of the pool's
    // while it is out, so each client gets its own for its whole life: its query then fails,
    // which the consumer treats as an outage and retries (DESIGN §8).
    this.pool.on('error', (error) => this.logger.warn({ msg: 'an idle database connection failed; it is replaced', err: error.message }));
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.logger.warn({ msg: 'a database connection failed', err: error.message }));
    });
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end().catch(() => {});
  }
}
