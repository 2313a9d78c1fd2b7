import { parseAttemptBatch } from './attempt-batch.js';

const valid = { outcome: 'failure', ip: '203.0.113.7', account: 'alice' };

describe('parseAttemptBatch', () => {
  it('takes one attempt or an array of them', () => {
    expect(parseAttemptBatch(valid)).toEqual({ ok: true, attempts: [valid] });
    expect(parseAttemptBatch([valid, { ...valid, ip: '2001:db8::1' }])).toMatchObject({ ok: true, attempts: { length: 2 } });
  });

  it.each([
    [{ ...valid, outcome: 'maybe' }, 'outcome'],
    [{ ...valid, ip: '300.1.1.1' }, 'ip'],
    [{ outcome: 'failure' }, 'ip'],
    [{ ...valid, id: 'not-a-uuid' }, 'id'],
    [{ ...valid, occurredAt: 'yesterday' }, 'occurredAt'],
    [{ ...valid, password: 'hunter2' }, 'password'],
    [{ ...valid, account: '' }, 'account'],
  ])('names the bad field of %j', (attempt, field) => {
    const result = parseAttemptBatch(attempt);
    expect(result).toMatchObject({ ok: false, status: 400, errorCode: 'validation_failed' });
    if (!result.ok) expect(result.errors?.map((error) => error.field)).toEqual([field]);
  });

  it('says which item of an array is wrong', () => {
    const result = parseAttemptBatch([valid, valid, { ...valid, outcome: 'x' }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ field: '[2].outcome', message: expect.any(String) }]);
  });

  it('says "is required" only of a missing field, and what a wrong one must be', () => {
    const result = parseAttemptBatch({ outcome: 5 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        { field: 'outcome', message: 'must be one of success, failure' },
        { field: 'ip', message: 'is required' },
      ]);
    }
  });

  it('refuses a body that is no attempt at all', () => {
    for (const body of [null, 42, 'text', []]) expect(parseAttemptBatch(body)).toMatchObject({ ok: false, status: 400 });
  });

  it('takes 1,000 attempts and refuses 1,001 as too large', () => {
    expect(parseAttemptBatch(Array(1000).fill(valid)).ok).toBe(true);
    expect(parseAttemptBatch(Array(1001).fill(valid))).toMatchObject({ ok: false, status: 413, errorCode: 'batch_too_large' });
  });
});
