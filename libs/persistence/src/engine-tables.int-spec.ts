import { randomUUID } from 'node:crypto';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { waitFor } from '../../../test/harness/wait-for.js';
import { Database } from './database.js';
import { LoginAttemptsRepository } from './login-attempts/login-attempts.repository.js';
import { migrate } from './migrator.js';
import { SubjectStatesRepository } from './subject-states/subject-states.repository.js';
import { inTransaction } from './transaction.js';

const HOUR = 3_600_000;

function attemptAt(receivedAt: Date) {
  const at = receivedAt.toISOString();
  return { schemaVersion: 1 as const, id: randomUUID(), occurredAt: at, receivedAt: at, outcome: 'failure' as const, ip: '192.0.2.1' };
}

describe('the engine’s tables in one transaction (real Postgres)', () => {
  let url: string;
  let database: Database;
  let attempts: LoginAttemptsRepository;
  let states: SubjectStatesRepository;

  beforeAll(async () => {
    url = await createDatabase('warden_engine_tx');
    database = new Database(url, 4);
    await migrate(database.pool);
    attempts = new LoginAttemptsRepository(database);
    states = new SubjectStatesRepository(database);
  });

  afterAll(async () => {
    await database.close();
    await dropDatabase(url);
  });

  it('stores an attempt once however often it comes', async () => {
    const attempt = attemptAt(new Date());
    const first = await inTransaction(database, (tx) => attempts.store(tx, [attempt]));
    const second = await inTransaction(database, (tx) => attempts.store(tx, [attempt]));
    expect([...first]).toEqual([attempt.id]);
    expect([...second]).toEqual([]);
  });

  it('makes two transactions on one subject take turns, so neither loses the other’s update', async () => {
    const subject = 'account:shared';
    const increment = (beforeWrite: () => Promise<void>) =>
      inTransaction(database, async (tx) => {
        const state = (await states.lockAndLoad(tx, [subject])).get(subject) as { n: number } | undefined;
        await beforeWrite();
        await states.save(tx, [{ subject, state: { n: (state?.n ?? 0) + 1 }, prunableAfter: new Date(Date.now() + HOUR) }]);
      });
    // The first holds the subject until the second is seen waiting for its lock. Without the lock
    // the second would read 0 as well, and the result would be 1.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let first!: Promise<void>;
    const firstLoaded = new Promise<void>((loaded) => {
      first = increment(async () => {
        loaded();
        await released;
      });
    });
    await firstLoaded;
    const second = increment(async () => {});
    try {
      await waitFor('the second transaction to wait for the subject lock', async () => {
        const { rows } = await database.pool.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
        );
        return rows.length > 0 ? true : undefined;
      });
    } finally {
      release();
      await Promise.all([first, second]);
    }
    const { rows } = await database.pool.query('SELECT state FROM subject_states WHERE subject = $1', [subject]);
    expect(rows[0].state).toEqual({ n: 2 });
  });

  it('locks the subjects of a large batch without running out of lock table', async () => {
    // One lock per subject exhausted max_locks_per_transaction ("out of shared memory").
    const subjects = Array.from({ length: 20_000 }, (_, index) => `ip:10.${index >> 8}.${index & 255}.1`);
    const loaded = await inTransaction(database, (tx) => states.lockAndLoad(tx, subjects));
    expect(loaded.size).toBe(0);
  });

  it('rolls everything back when the work fails', async () => {
    const attempt = attemptAt(new Date());
    await expect(
      inTransaction(database, async (tx) => {
        await attempts.store(tx, [attempt]);
        throw new Error('publish failed');
      }),
    ).rejects.toThrow('publish failed');
    const { rows } = await database.pool.query('SELECT 1 FROM login_attempts WHERE id = $1', [attempt.id]);
    expect(rows).toEqual([]);
  });

  it('prunes attempts past their retention and states with nothing left to remember', async () => {
    const now = new Date();
    const old = attemptAt(new Date(now.getTime() - 8 * 24 * HOUR));
    const recent = attemptAt(new Date(now.getTime() - HOUR));
    await inTransaction(database, async (tx) => {
      await attempts.store(tx, [old, recent]);
      await states.save(tx, [
        { subject: 'ip:192.0.2.50', state: {}, prunableAfter: new Date(now.getTime() - 1) },
        { subject: 'ip:192.0.2.51', state: { keep: true }, prunableAfter: new Date(now.getTime() + HOUR) },
      ]);
    });
    expect(await attempts.prune(new Date(now.getTime() - 7 * 24 * HOUR), 1)).toBeGreaterThanOrEqual(1);
    expect(await states.prune(now, 1)).toBeGreaterThanOrEqual(1);
    const kept = await database.pool.query('SELECT id FROM login_attempts WHERE id = ANY($1::uuid[])', [[old.id, recent.id]]);
    expect(kept.rows.map((row) => row.id)).toEqual([recent.id]);
    const keptStates = await database.pool.query("SELECT subject FROM subject_states WHERE subject LIKE 'ip:192.0.2.5%'");
    expect(keptStates.rows.map((row) => row.subject)).toEqual(['ip:192.0.2.51']);
  });
});
