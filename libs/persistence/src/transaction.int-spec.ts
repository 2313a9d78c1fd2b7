import pg from 'pg';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { Database } from './database.js';
import { Prisma } from './generated/prisma/client.js';
import { inTransaction } from './transaction.js';

describe('inTransaction on node-postgres (real Postgres)', () => {
  let url: string;
  let database: Database;
  let admin: pg.Client;

  const rows = async () => (await database.pool.query<{ n: number }>('SELECT n FROM t ORDER BY n')).rows.map((row) => row.n);

  beforeAll(async () => {
    url = await createDatabase('warden_transaction');
    // Two connections at most: a connection the helper failed to give back would leave the pool stuck.
    database = new Database(url, 2);
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE TABLE t (n int PRIMARY KEY)');
  });

  afterAll(async () => {
    await admin.end();
    await database.close();
    await dropDatabase(url);
  });

  beforeEach(async () => {
    await admin.query('TRUNCATE t');
  });

  it('commits every statement of the work together, parameters typed by their casts', async () => {
    const result = await inTransaction(database, async (tx) => {
      await tx.query(Prisma.sql`INSERT INTO t SELECT unnest(${[1, 2]}::int[])`);
      const [row] = await tx.query<{ n: number; big: string }>(Prisma.sql`INSERT INTO t VALUES (${3}) RETURNING n, ${12345678901234n}::bigint AS big`);
      return row;
    });
    expect(result).toEqual({ n: 3, big: '12345678901234' });
    expect(await rows()).toEqual([1, 2, 3]);
  });

  it('rolls everything back when the work throws, and gives the connection back', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(
        inTransaction(database, async (tx) => {
          await tx.query(Prisma.sql`INSERT INTO t VALUES (${10 + i})`);
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
    }
    // A failed statement aborts the transaction: nothing of it stays either.
    await expect(
      inTransaction(database, async (tx) => {
        await tx.query(Prisma.sql`INSERT INTO t VALUES (${20})`);
        await tx.query(Prisma.sql`INSERT INTO t VALUES (${20})`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await rows()).toEqual([]);
    expect(database.pool.totalCount - database.pool.idleCount).toBe(0);
  });

  it('copies rows in with COPY as part of the transaction: counted when it commits, gone when it fails', async () => {
    const copied = await inTransaction(database, (tx) => tx.copyFrom('COPY t (n) FROM STDIN', '50\n51\n'));
    expect(copied).toBe(2);
    await expect(
      inTransaction(database, async (tx) => {
        await tx.copyFrom('COPY t (n) FROM STDIN', '52\n');
        // A row COPY cannot read fails the COPY, and the transaction with it.
        await tx.copyFrom('COPY t (n) FROM STDIN', 'fifty-three\n');
      }),
    ).rejects.toMatchObject({ code: '22P02' });
    expect(await rows()).toEqual([50, 51]);
    expect(database.pool.totalCount - database.pool.idleCount).toBe(0);
  });

  it('in snapshot mode, every read sees the database as of the first: a row committed in between is not there', async () => {
    const seen = await inTransaction(
      database,
      async (tx) => {
        const before = await tx.query<{ n: number }>(Prisma.sql`SELECT n FROM t`);
        await admin.query('INSERT INTO t VALUES (40)');
        const after = await tx.query<{ n: number }>(Prisma.sql`SELECT n FROM t`);
        return [before.length, after.length];
      },
      'snapshot',
    );
    expect(seen).toEqual([0, 0]);
    expect(await rows()).toEqual([40]);
    await expect(inTransaction(database, (tx) => tx.query(Prisma.sql`INSERT INTO t VALUES (${41})`), 'snapshot')).rejects.toMatchObject({ code: '25006' });
  });

  it('fails with the server’s error when its backend is terminated mid-transaction, and the pool goes on with a new connection', async () => {
    await expect(
      inTransaction(database, async (tx) => {
        const [{ pid }] = await tx.query<{ pid: number }>(Prisma.sql`SELECT pg_backend_pid() AS pid`);
        await tx.query(Prisma.sql`INSERT INTO t VALUES (${30})`);
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await tx.query(Prisma.sql`INSERT INTO t VALUES (${31})`);
      }),
    ).rejects.toThrow();
    expect(await rows()).toEqual([]);
    await inTransaction(database, (tx) => tx.query(Prisma.sql`INSERT INTO t VALUES (${32})`));
    expect(await rows()).toEqual([32]);
  });
});
