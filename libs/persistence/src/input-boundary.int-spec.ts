import fc from 'fast-check';
import { DEFAULT_POLICY, decide, subjectsOf, type PolicyAttempt } from '#warden/ban-policy';
import { loginAttemptEventSchema, MAX_SUBJECT_LENGTH, type LoginAttemptEvent } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { Database } from './database.js';
import { LoginAttemptsRepository } from './login-attempts/login-attempts.repository.js';
import { StageCheckpointsRepository } from './engine-checkpoints/stage-checkpoints.repository.js';
import { inTransaction } from './transaction.js';
import { migrate } from './migrator.js';

/**
 * DESIGN §8's promise, as a property on the real store: whatever passes the input boundary, the
 * policy decides without throwing and PostgreSQL stores — the attempt row and every subject it forms.
 * The values are drawn from what broke Warden before: zone ids, NULs and other controls, year 0,
 * ligatures that case-folding lengthens, upper-case UUIDs, and plain random text.
 */
const hostileText = fc.oneof(
  { arbitrary: fc.constantFrom('alice', 'Bob ', 'ÉLODIE', 'ﬃ', 'user@example.com', 'Mozilla/5.0', 'fp-1'), weight: 6 },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\u001b[31m', '\u0085', '\u202e', ' ', ''),
  fc.integer({ min: 100, max: 400 }).map((n) => 'ﬃ'.repeat(n)),
  fc.integer({ min: 300, max: 330 }).map((n) => 'ß'.repeat(n)),
  fc.integer({ min: 250, max: 260 }).map((n) => 'f'.repeat(n)),
);
const hostileIp = fc.oneof(
  { arbitrary: fc.oneof(fc.ipV4(), fc.ipV6()), weight: 4 },
  fc.constantFrom('203.0.113.7', 'fe80::1%eth0', '::ffff:192.0.2.1', '2001:DB8::1', '010.0.0.1', '1.2.3.4 ', '::', '1::2::3', '256.1.1.1', '2001:db8::1.2.3.4'),
  fc.ipV4(),
  fc.ipV6(),
  hostileText,
);
const hostileInstant = fc.oneof(
  { arbitrary: fc.constant(new Date().toISOString()), weight: 3 },
  fc.constantFrom('0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z', 'yesterday', '2026-12-01T10:00:00+14:00'),
  fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }).map((date) => date.toISOString()),
);
const hostileAttempt = fc.record(
  {
    schemaVersion: fc.constant(1),
    id: fc.oneof({ arbitrary: fc.uuid(), weight: 3 }, fc.uuid().map((id) => id.toUpperCase()), hostileText),
    occurredAt: hostileInstant,
    receivedAt: fc.constant(new Date().toISOString()),
    outcome: fc.constantFrom('failure', 'success', 'failure', 'maybe'),
    ip: hostileIp,
    account: hostileText,
    credentialFingerprint: hostileText,
    userAgent: hostileText,
    endpoint: hostileText,
    tenant: hostileText,
  },
  { requiredKeys: ['schemaVersion', 'id', 'occurredAt', 'receivedAt', 'outcome', 'ip'] },
);

describe('the input boundary (real Postgres)', () => {
  let url: string;
  let database: Database;

  beforeAll(async () => {
    url = await createDatabase('warden_boundary');
    database = new Database(url, 2);
    await migrate(database.pool);
  });

  afterAll(async () => {
    await database.close();
    await dropDatabase(url);
  });

  it('lets through only what the policy decides and the store keeps', async () => {
    let passed = 0;
    let checkpointed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileAttempt, { minLength: 1, maxLength: 20 }), async (candidates) => {
        const attempts: LoginAttemptEvent[] = candidates.flatMap((candidate) => {
          const parsed = loginAttemptEventSchema.safeParse(candidate);
          return parsed.success ? [parsed.data] : [];
        });
        if (attempts.length === 0) return;
        passed += attempts.length;
        for (const attempt of attempts) expect(attempt.id).toBe(attempt.id.toLowerCase());
        const policyAttempts: PolicyAttempt[] = attempts.map((attempt) => ({
          ...attempt,
          occurredAt: Date.parse(attempt.occurredAt),
          receivedAt: Date.parse(attempt.receivedAt),
        }));
        const subjects = policyAttempts.flatMap((attempt) => subjectsOf(attempt, DEFAULT_POLICY).subjects.map((subject) => subject.key));
        decide(new Map(), policyAttempts, DEFAULT_POLICY);
        for (const subject of subjects) expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
        const stored = await new LoginAttemptsRepository(database).archive(attempts);
        expect(stored).toBe(new Set(attempts.map((attempt) => attempt.id)).size);
        await inTransaction(database, (tx) =>
          new StageCheckpointsRepository(database).save(tx, { stage: 'network', partition: ++checkpointed }, {
            expectedOffset: null,
            nextOffset: 1n,
            streamTime: 0,
            changed: [...new Set(subjects)].map((subject) => ({ subject, state: {} })),
            removed: [],
          }),
        );
      }),
      { numRuns: 300, seed: 13 },
    );
    // The generators must let a good share through, or the property proves little.
    expect(passed).toBeGreaterThan(200);
  });
});
