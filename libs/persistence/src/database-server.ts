import pg from 'pg';

/** How to reach a PostgreSQL server as its administrator (the embedded mode's own server). */
export interface DatabaseServerLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/**
 * Connects to the server's `postgres` database and creates `database` if it is not there. Throws
 * what the connection throws: a server still starting refuses, a wrong password is `28P01`.
 */
export async function ensureDatabase(login: DatabaseServerLogin, database: string): Promise<void> {
  const client = new pg.Client({ ...login, database: 'postgres', connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end().catch(() => {});
  }
}
