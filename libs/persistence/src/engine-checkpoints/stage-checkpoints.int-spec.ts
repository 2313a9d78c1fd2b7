import { randomUUID } from 'node:crypto';
import { createDatabase, dropDatabase } from '../../../../test/harness/postgres.js';
import { Database } from '../database.js';
import { LoginAttemptsRepository } from '../login-attempts/login-attempts.repository.js';
import { migrate } from '../migrator.js';
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
