import { randomUUID } from 'node:crypto';
import { createDatabase, dropDatabase } from '../../../../test/harness/postgres.js';
import { Database } from '../database.js';
import { LoginAttemptsRepository } from '../login-attempts/login-attempts.repository.js';
import { migrate, readMigrations } from '../migrator.js';
import { inTransaction } from '../transaction.js';
import { StageCheckpointsRepository, StaleCheckpointError } from './stage-checkpoints.repository.js';

const HOUR = 3_600_000;

function attemptAt(receivedAt: Date) {
  const at = receivedAt.toISOString();
  return { schemaVersion: 1 as const, id: randomUUID(), occurredAt: at, receivedAt: at, outcome: 'failure' as const, ip: '192.0.2.1' };
}

const idBytes = (...ids: string[]) => Buffer.concat(ids.map((id) => Buffer.from(id.replaceAll('-', ''), 'hex')));

describe('the engine’s checkpoints and the recorded attempts (real Postgres)', () => {
  let url: string;
  let database: Database;
  let checkpoints: StageCheckpointsRepository;
  let attempts: LoginAttemptsRepository;

  beforeAll(async () => {
    url = await createDatabase('warden_checkpoints');
    database = new Database(url, 4);
    await migrate(database.pool);
    checkpoints = new StageCheckpointsRepository(database);
    attempts = new LoginAttemptsRepository(database);
  });

  afterAll(async () => {
    await database.close();
    await dropDatabase(url);
  });

  it('gives a partition’s next owner the states, offset and recent ids its last checkpoint wrote', async () => {
    const where = { stage: 'network', partition: 0 };
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await checkpoints.load(where)).toBeUndefined();
    await inTransaction(database, (tx) =>
      checkpoints.save(tx, where, {
        expectedOffset: null,
        nextOffset: 10n,
        streamTime: 1_000,
        changed: [{ subject: 'ip:192.0.2.1', state: { n: 1 } }, { subject: 'ip:192.0.2.2', state: { n: 2 } }],
        removed: [],
        recentAttempts: { fromOffset: 0n, ids: idBytes(a, b), verdicts: { [b]: { banned: true } } },
      }),
    );
    await inTransaction(database, (tx) =>
      checkpoints.save(tx, where, {
        expectedOffset: 10n,
        nextOffset: 25n,
        streamTime: 2_000,
        changed: [{ subject: 'ip:192.0.2.1', state: { n: 3 } }],
        removed: ['ip:192.0.2.2'],
        recentAttempts: { fromOffset: 10n, ids: idBytes(c), verdicts: {} },
        forgetAttemptsBefore: 5n,
      }),
    );
    const loaded = await checkpoints.load(where);
    expect(loaded?.nextOffset).toBe(25n);
    expect(loaded?.streamTime).toBe(2_000);
    expect(loaded?.states).toEqual([{ subject: 'ip:192.0.2.1', state: { n: 3 } }]);
    // The chunk from offset 0 fell out of the window; the one from 10 holds c.
    expect(loaded?.recentAttempts.map((chunk) => [chunk.fromOffset, chunk.ids.equals(idBytes(c))])).toEqual([[10n, true]]);
  });

  it('refuses the checkpoint of an owner whose state is stale, and keeps nothing of it', async () => {
    const where = { stage: 'account', partition: 3 };
    await inTransaction(database, (tx) => checkpoints.save(tx, where, { expectedOffset: null, nextOffset: 100n, streamTime: 0, changed: [], removed: [] }));
    // Another owner went on to 100; this one still thinks the partition is at its start.
    await expect(
      inTransaction(database, (tx) =>
        checkpoints.save(tx, where, { expectedOffset: null, nextOffset: 50n, streamTime: 0, changed: [{ subject: 'account:zombie', state: {} }], removed: [] }),
      ),
    ).rejects.toBeInstanceOf(StaleCheckpointError);
    await expect(
      inTransaction(database, (tx) =>
        checkpoints.save(tx, where, { expectedOffset: 60n, nextOffset: 120n, streamTime: 0, changed: [{ subject: 'account:zombie', state: {} }], removed: [] }),
      ),
    ).rejects.toBeInstanceOf(StaleCheckpointError);
    const loaded = await checkpoints.load(where);
    expect(loaded?.nextOffset).toBe(100n);
    expect(loaded?.states).toEqual([]);
  });

  it('reads the states back through the chunks of many checkpoints, and through a snapshot that replaced them', async () => {
    const where = { stage: 'network', partition: 7 };
    const save = (expectedOffset: bigint | null, nextOffset: bigint, changed: Array<[string, number]>, removed: string[], snapshot = false) =>
      inTransaction(database, (tx) =>
        checkpoints.save(tx, where, { expectedOffset, nextOffset, streamTime: 0, changed: changed.map(([subject, n]) => ({ subject, state: { n } })), removed, snapshot }),
      );
    await save(null, 1n, [['ip:a', 1], ['ip:b', 1]], []);
    await save(1n, 2n, [['ip:a', 2]], ['ip:b']);
    // Removed, then back: the later chunk wins.
    await save(2n, 3n, [['ip:b', 3], ['ip:c', 3]], []);
    let loaded = await checkpoints.load(where);
    expect(loaded?.states).toEqual([{ subject: 'ip:a', state: { n: 2 } }, { subject: 'ip:b', state: { n: 3 } }, { subject: 'ip:c', state: { n: 3 } }]);
    expect(loaded?.chunkedEntries).toBe(6);
    await save(3n, 4n, [['ip:a', 4], ['ip:c', 3]], ['ip:b'], true);
    loaded = await checkpoints.load(where);
    expect(loaded?.states).toEqual([{ subject: 'ip:a', state: { n: 4 } }, { subject: 'ip:c', state: { n: 3 } }]);
    // Only the snapshot is left to read.
    expect(loaded?.chunkedEntries).toBe(2);
    const rows = await database.pool.query('SELECT checkpoint_offset FROM engine_state_chunks WHERE stage = $1 AND partition = $2', [where.stage, where.partition]);
    expect(rows.rows).toEqual([{ checkpoint_offset: '4' }]);
  });

  it('writes a checkpoint of many subjects in pieces, and reads them all back', async () => {
    const where = { stage: 'account', partition: 9 };
    const changed = Array.from({ length: 45_000 }, (_, i) => ({ subject: `account:user${i}`, state: { i } }));
    await inTransaction(database, (tx) => checkpoints.save(tx, where, { expectedOffset: null, nextOffset: 1n, streamTime: 0, changed, removed: [] }));
    const pieces = await database.pool.query('SELECT piece FROM engine_state_chunks WHERE stage = $1 AND partition = $2 ORDER BY piece', [where.stage, where.partition]);
    expect(pieces.rows.map((row) => row.piece)).toEqual([0, 1, 2]);
    const loaded = await checkpoints.load(where);
    expect(loaded?.states).toEqual(changed);
  });

  it('records an attempt’s text as it came, whatever COPY would read as a separator or an escape', async () => {
    const tricky = { ...attemptAt(new Date()), account: 'o\'brien\\corp', userAgent: 'Agent\t1.0\n(with \\N and \\t) "quoted" ünïcode 🔑', endpoint: '\\' };
    expect(await attempts.archive([tricky])).toBe(1);
    const { rows } = await database.pool.query('SELECT account, user_agent, endpoint, tenant, occurred_at FROM login_attempts WHERE id = $1', [tricky.id]);
    expect(rows).toEqual([{ account: tricky.account, user_agent: tricky.userAgent, endpoint: '\\', tenant: null, occurred_at: new Date(tricky.occurredAt) }]);
  });

  it('records an attempt once however often the archiver gets it, and prunes those past their retention', async () => {
    const now = new Date();
    const old = attemptAt(new Date(now.getTime() - 8 * 24 * HOUR));
    const recent = attemptAt(new Date(now.getTime() - HOUR));
    expect(await attempts.archive([old, recent])).toBe(2);
    expect(await attempts.archive([old, recent])).toBe(0);
    expect(await attempts.prune(new Date(now.getTime() - 7 * 24 * HOUR), 1)).toBe(1);
    const kept = await database.pool.query('SELECT id FROM login_attempts WHERE id = ANY($1::uuid[])', [[old.id, recent.id]]);
    expect(kept.rows.map((row) => row.id)).toEqual([recent.id]);
  });
});

describe('the engine’s checkpoints of a database from before the chunks (real Postgres)', () => {
  let url: string;
  let database: Database;

  afterAll(async () => {
    await database.close();
    await dropDatabase(url);
  });

  it('loads the states an earlier version checkpointed as rows, after the migration', async () => {
    url = await createDatabase('warden_checkpoints_upgrade');
    database = new Database(url, 2);
    const migrations = readMigrations();
    const chunks = migrations.findIndex((migration) => migration.name.endsWith('_engine_state_chunks'));
    await migrate(database.pool, migrations.slice(0, chunks));
    await database.pool.query(`INSERT INTO engine_checkpoints (stage, partition, next_offset, stream_time) VALUES ('account', 2, 40, 1000)`);
    await database.pool.query(
      `INSERT INTO engine_subject_states (stage, partition, subject, state)
        SELECT 'account', 2, 'account:user' || i, jsonb_build_object('ban', jsonb_build_object('level', i)) FROM generate_series(1, 20001) AS i`,
    );
    await migrate(database.pool);
    const loaded = await new StageCheckpointsRepository(database).load({ stage: 'account', partition: 2 });
    expect(loaded?.nextOffset).toBe(40n);
    expect(loaded?.states).toHaveLength(20_001);
    expect(loaded?.states).toContainEqual({ subject: 'account:user20001', state: { ban: { level: 20_001 } } });
    const pieces = await database.pool.query(`SELECT checkpoint_offset, piece FROM engine_state_chunks ORDER BY piece`);
    expect(pieces.rows).toEqual([{ checkpoint_offset: '40', piece: 0 }, { checkpoint_offset: '40', piece: 1 }]);
  });
});
