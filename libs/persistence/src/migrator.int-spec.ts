import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { defaultMigrationsDir, migrate, readMigrations } from './migrator.js';
import { parsePrismaModels } from '../../../test/harness/prisma-schema.js';

const run = promisify(execFile);

describe('migrator (real Postgres)', () => {
  let url: string;
  let pool: pg.Pool;

  beforeEach(async () => {
    url = await createDatabase('warden_migrator');
    pool = new pg.Pool({ connectionString: url, max: 2 });
  });

  afterEach(async () => {
    await pool.end();
    await dropDatabase(url);
  });

  async function recorded() {
    const { rows } = await pool.query(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    return rows;
  }

  it('applies every migration once and records it as Prisma Migrate does', async () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const first = await migrate(pool);
    expect(first.applied).toEqual(migrations.map((migration) => migration.name));
    const rows = await recorded();
    expect(rows.map((row) => row.migration_name)).toEqual(first.applied);
    for (const [index, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[index]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('changes nothing when applied twice', async () => {
    await migrate(pool);
    const before = await recorded();
    const second = await migrate(pool);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(before.map((row) => row.migration_name));
    expect(await recorded()).toEqual(before);
  });

  it('applies each migration once when two processes start at once', async () => {
    const env = { ...process.env, DATABASE_URL: url };
    const script = join(process.cwd(), 'dist/scripts/migrate.js');
    const outputs = await Promise.all([run('node', [script], { env }), run('node', [script], { env })]);
    const reports = outputs.map(({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!));
    const names = readMigrations().map((migration) => migration.name);
    // One process applied them all; the other waited on the lock and found them done.
    expect(reports.map((report) => report.applied.length).sort()).toEqual([0, names.length]);
    expect((await recorded()).map((row) => row.migration_name)).toEqual(names);
  });

  it('leaves no trace of a migration that fails, and refuses to go on past it', async () => {
    const broken = { name: '29990101000000_broken', sql: 'CREATE TABLE t_ok (id int); SELECT no_such_function();', checksum: 'x'.repeat(64) };
    await expect(migrate(pool, [...readMigrations(), broken])).rejects.toThrow(/29990101000000_broken failed/);
    const table = await pool.query("SELECT to_regclass('t_ok') AS t");
    expect(table.rows[0].t).toBeNull();
    await expect(migrate(pool)).rejects.toThrow(/failed earlier and is not finished/);
  });

  it('creates the tables and columns that schema.prisma models', async () => {
    await migrate(pool);
    const schema = readFileSync(join(defaultMigrationsDir(), '..', 'schema.prisma'), 'utf8');
    const models = parsePrismaModels(schema);
    const { rows } = await pool.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`,
    );
    const actual = rows.map((row) => `${row.table_name}.${row.column_name} ${row.data_type} ${row.is_nullable === 'YES' ? 'null' : 'not null'}`);
    const expected = models
      .flatMap((model) => model.columns.map((column) => `${model.table}.${column.name} ${column.sqlType} ${column.nullable ? 'null' : 'not null'}`))
      .sort();
    expect(actual.sort()).toEqual(expected);
  });

  it('creates the indexes that schema.prisma models, and no others', async () => {
    await migrate(pool);
    const schema = readFileSync(join(defaultMigrationsDir(), '..', 'schema.prisma'), 'utf8');
    // Non-unique indexes other than primary keys, each as table(columns in order).
    const { rows } = await pool.query<{ name: string }>(
      `SELECT t.relname || '(' || string_agg(a.attname, ', ' ORDER BY k.ord) || ')' AS name
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE n.nspname = 'public' AND NOT x.indisunique AND NOT x.indisprimary
        GROUP BY t.relname, i.relname`,
    );
    const expected = parsePrismaModels(schema).flatMap((model) => model.indexes.map((columns) => `${model.table}(${columns.join(', ')})`));
    expect(rows.map((row) => row.name).sort()).toEqual(expected.sort());
  });
});
