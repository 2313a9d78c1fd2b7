import fc from 'fast-check';
import { loginAttemptEventSchema } from './login-attempt.js';
import { readPlainLoginAttempt } from './plain-login-attempt.js';

/** Values near each field's edges: plain ones, and the forms only the schema may judge. */
const instant = fc.oneof(
  fc.date({ min: new Date('1999-12-31T23:00:00Z'), max: new Date('2100-01-01T01:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2024-02-29T10:00:00.000Z', '2023-02-29T10:00:00.000Z', '2024-04-31T10:00:00.000Z', '2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000+01:00', '2024-03-01T24:00:00.000Z', '2024-03-01 10:00:00.000Z', '2024-03-01T10:00:00.000z', '+02024-03-01T10:00:00.000Z'),
  fc.string({ maxLength: 30 }),
);
const uuid = fc.oneof(fc.uuid(), fc.uuid().map((id) => id.toUpperCase()), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'), fc.string({ maxLength: 40 }));
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.constantFrom('::ffff:10.0.0.1', ' 10.0.0.1', '010.0.0.1', 'fe80::1%eth0', '1.2.3.4.5', ''), fc.string({ maxLength: 70 }));
const text = (max: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ minLength: max - 2, maxLength: max + 2 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('  padded  ', 'ALICE@Example.com', 'ﬃ'.repeat(110), ' ', ''),
  );
const odd = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));

const fields = {
  schemaVersion: fc.oneof(fc.constant(1), fc.constantFrom(2, '1', 1.0000001)),
  id: uuid,
  occurredAt: instant,
  receivedAt: instant,
  outcome: fc.oneof(fc.constantFrom('success', 'failure'), fc.constantFrom('Success', 'error', '')),
  ip,
  account: text(320),
  credentialFingerprint: text(256),
  endpoint: text(512),
  tenant: text(256),
  userAgent: text(1024),
  verdictWanted: fc.oneof(fc.constant(true), fc.constant(false)),
  accountCopy: fc.oneof(fc.constant(true), fc.constant(false)),
};

/** Records as Warden's producers write them. */
const plainRecord = fc.record(
  {
    schemaVersion: fc.constant(1),
    id: fc.uuid(),
    occurredAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
    receivedAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
    outcome: fc.constantFrom('success', 'failure'),
    ip: fc.oneof(fc.ipV4(), fc.ipV6()),
    account: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 320 }),
    credentialFingerprint: fc.stringMatching(/^[0-9a-f]{1,64}$/),
    verdictWanted: fc.constant(true),
    accountCopy: fc.constant(true),
  },
  { requiredKeys: ['schemaVersion', 'id', 'occurredAt', 'receivedAt', 'outcome', 'ip'] },
).chain(withKeysReordered);

/**
 * Plain records with some fields changed to edgy values or values of the wrong type, some
 * dropped, now and then a field the schema does not know: most near the edge of the fast path.
 */
const anyRecord = fc
  .tuple(
    plainRecord,
    fc.array(fc.oneof(...Object.entries(fields).map(([key, arb]) => fc.tuple(fc.constant(key), fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: odd })))), { maxLength: 3 }),
    fc.subarray(Object.keys(fields), { maxLength: 2 }),
    fc.option(fc.constantFrom('__proto__', 'extra', 'constructor', 'toString'), { freq: 8 }),
  )
  .map(([plain, changed, dropped, extra]) => {
    const record: Record<string, unknown> = { ...plain, ...Object.fromEntries(changed) };
    for (const key of dropped) delete record[key];
    // A computed key, so that `__proto__` is an own field, as JSON.parse makes it.
    return extra === null ? record : { [extra]: 1, ...record };
  })
  .chain(withKeysReordered);

/** The record with its keys in a random order, or in the schema's (the quick read's other way). */
function withKeysReordered(record: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(record);
  const schemaOrder = Object.keys(loginAttemptEventSchema.shape);
  const rank = (key: string) => (schemaOrder.includes(key) ? schemaOrder.indexOf(key) : -1);
  return fc
    .oneof(fc.shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length }), fc.constant([...keys].sort((a, b) => rank(a) - rank(b))))
    .map((order) => Object.fromEntries(order.map((key) => [key, record[key]])));
}

describe('readPlainLoginAttempt', () => {
  it('accepts only what the schema accepts, and reads it as the schema does (the same fields, values and order)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyRecord, (json) => {
        const read = readPlainLoginAttempt(json);
        if (read === undefined) return;
        accepted++;
        const parsed = loginAttemptEventSchema.safeParse(json);
        expect(parsed.success).toBe(true);
        expect(read).toStrictEqual(parsed.data);
        expect(JSON.stringify(read)).toBe(JSON.stringify(parsed.data));
      }),
      { numRuns: 5_000 },
    );
    // The generator reaches the fast path, so the property above is tested, not skipped.
    expect(accepted).toBeGreaterThan(50);
  });

  it('reads every record in the form Warden writes (IPv6 in any valid form among them)', () => {
    fc.assert(
      fc.property(plainRecord, (json) => {
        const read = readPlainLoginAttempt(json);
        expect(read).toBeDefined();
        expect(read).toStrictEqual(loginAttemptEventSchema.parse(json));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves to the schema a record with a field it does not know, a missing field or a value of the wrong type', () => {
    const plain = { schemaVersion: 1, id: '0f8fad5b-d9cb-469f-a165-70867728950e', occurredAt: '2024-03-01T10:00:00.000Z', receivedAt: '2024-03-01T10:00:01.000Z', outcome: 'failure', ip: '203.0.113.7', account: 'alice' };
    expect(readPlainLoginAttempt(plain)).toEqual(plain);
    expect(readPlainLoginAttempt({ ...plain, extra: 1 })).toBeUndefined();
    expect(readPlainLoginAttempt(JSON.parse(JSON.stringify(plain).replace('{', '{"__proto__":{"polluted":true},')))).toBeUndefined();
    expect(readPlainLoginAttempt({ ...plain, receivedAt: undefined })).toBeUndefined();
    expect(readPlainLoginAttempt({ ...plain, account: null })).toBeUndefined();
    expect(readPlainLoginAttempt({ ...plain, id: plain.id.toUpperCase() })).toBeUndefined();
    expect(readPlainLoginAttempt([plain])).toBeUndefined();
  });
});
