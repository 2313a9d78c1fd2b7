/**
 * `npm run db:migrate`: applies Warden's SQL migrations to DATABASE_URL, as every app does at
 * start. Safe to run from several processes at once.
 */
import pg from 'pg';
import { migrate } from '#warden/persistence';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL: required (postgresql:// URL of the database to migrate)');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: 1 });
// A connection the server drops fails the migration's query, not the process.
pool.on('error', (error) => console.error(`database connection failed: ${error.message}`));
try {
  const report = await migrate(pool, undefined, (line) => console.log(line));
  console.log(JSON.stringify(report));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await pool.end();
}
