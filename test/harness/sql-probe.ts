import pg from 'pg';

/**
 * Plain SQL for tests and benches that look at, or damage, the tables under a running Warden
 * (a row that must be there, a table renamed away, an audit row rewritten). Warden's own code
 * reaches its tables only through the repositories of libs/persistence; a test checking them
 * from outside must not, so it comes here (the dependency rules keep `pg` out of apps/).
 */
export type SqlPool = pg.Pool;

/** A small pool on `url`; `max: 1` when the test sets session state (one connection, one session). */
export function sqlPool(url: string | undefined, max = 2): SqlPool {
  return new pg.Pool({ connectionString: url, max });
}

/** Runs one statement on a connection of its own and returns its rows. */
export async function sqlRows<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
