import { incidentRecordSchema, MAX_DEAD_LETTER_PAYLOAD_BYTES, Topic, deadLetterSchema } from '#warden/contracts';
import { rejectionRecords, type RawRecord } from './dead-letters.js';

const raw = (key: string | null, value: Buffer | null, offset = '7'): RawRecord => ({ topic: 'p.auth.login-attempts', partition: 2, offset, key, value });

const lettersOf = (batches: ReturnType<typeof rejectionRecords>, topic: string) =>
  batches.filter((batch) => batch.topic === topic).flatMap((batch) => batch.records);

describe('dead letters', () => {
  it('keep a bounded copy of a huge value, with its length and SHA-256', () => {
    const value = Buffer.alloc(1_000_000, 'x');
    const [letter] = lettersOf(rejectionRecords(Topic.loginAttempts, [{ record: raw('203.0.113.7', value), error: 'the value is not JSON', reason: 'not_json' as const }]), Topic.dlq);
    expect(Buffer.byteLength(letter!.value)).toBeLessThan(MAX_DEAD_LETTER_PAYLOAD_BYTES + 4_096);
    const parsed = deadLetterSchema.parse(JSON.parse(String(letter!.value)));
    expect(parsed).toMatchObject({ payloadBytes: 1_000_000, payloadTruncated: true, payloadEncoding: 'utf8' });
    expect(parsed.payload).toHaveLength(MAX_DEAD_LETTER_PAYLOAD_BYTES);
    expect(parsed.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stay bounded when the value is control characters, which JSON escapes sixfold', () => {
    const value = Buffer.alloc(1_000_000, 0);
    const [letter] = lettersOf(rejectionRecords(Topic.loginAttempts, [{ record: raw(null, value), error: 'x', reason: 'not_json' as const }]), Topic.dlq);
    expect(Buffer.byteLength(letter!.value)).toBeLessThan(MAX_DEAD_LETTER_PAYLOAD_BYTES * 1.4);
    expect(JSON.parse(String(letter!.value))).toMatchObject({ payloadEncoding: 'base64', payloadTruncated: true });
  });

  it('keep a small value whole', () => {
    const [letter] = lettersOf(rejectionRecords(Topic.loginAttempts, [{ record: raw(null, Buffer.from('{"x":1}')), error: 'bad', reason: 'invalid_record' as const }]), Topic.dlq);
    expect(JSON.parse(String(letter!.value))).toMatchObject({ payload: '{"x":1}', payloadBytes: 7, payloadTruncated: false });
  });

  it.each([
    ['an address', '203.0.113.7', 'ip:203.0.113.7'],
    ['a network', '203.0.113.0/24', 'range:203.0.113.0/24'],
    ['a subject', 'account:Alice', 'account:alice'],
    ['a key over 1,024 characters', 'k'.repeat(2_000), 'record:auth.login-attempts/2@7'],
    ['a NUL', 'account:\u0000', 'record:auth.login-attempts/2@7'],
    ['no key', null, 'record:auth.login-attempts/2@7'],
  ])('give the incident of a record keyed by %s a valid, bounded subject', (_what, key, subject) => {
    const batches = rejectionRecords(Topic.loginAttempts, [{ record: raw(key, Buffer.from('x')), error: 'Unrecognized key: "\u0000"', reason: 'invalid_record' as const }]);
    const [incident] = lettersOf(batches, Topic.incidents);
    const parsed = incidentRecordSchema.parse(JSON.parse(String(incident!.value)));
    expect(parsed.subject).toBe(subject);
    expect(incident!.key).toBe(subject);
    expect(parsed.reason).not.toContain('\u0000');
    expect(lettersOf(batches, Topic.dlq)[0]!.key?.length ?? 0).toBeLessThanOrEqual(1_024);
  });

  it('of a refused incident make no incident, which could be refused in turn', () => {
    const batches = rejectionRecords(Topic.incidents, [{ record: raw('k'.repeat(5_000), Buffer.from('{}')), error: 'not an incident', reason: 'invalid_record' as const }]);
    expect(batches.map((batch) => batch.topic)).toEqual([Topic.dlq]);
  });
});
