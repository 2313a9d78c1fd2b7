import { adminCommandSchema } from '../admin-command.js';
import { attemptInputSchema } from '../login-attempt.js';

const valid = { outcome: 'failure', ip: '203.0.113.7', account: 'alice' };
const fieldsAtFault = (input: unknown) => {
  const parsed = attemptInputSchema.safeParse(input);
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
};

describe('the input boundary', () => {
  it.each([
    ['an IPv6 zone id', { ...valid, ip: 'fe80::1%eth0' }, 'ip'],
    ['an address with blanks', { ...valid, ip: ' 203.0.113.7' }, 'ip'],
    ['a leading zero', { ...valid, ip: '010.0.0.1' }, 'ip'],
    ['a NUL in account', { ...valid, account: 'a\u0000' }, 'account'],
    ['an escape in userAgent', { ...valid, userAgent: '\u001b[31mred' }, 'userAgent'],
    ['a C1 control in credentialFingerprint', { ...valid, credentialFingerprint: 'fp\u0085' }, 'credentialFingerprint'],
    ['year 0000', { ...valid, occurredAt: '0000-01-01T00:00:00Z' }, 'occurredAt'],
    ['year 2200', { ...valid, occurredAt: '2200-01-01T00:00:00Z' }, 'occurredAt'],
    ['an account case-folding lengthens past 320', { ...valid, account: 'ﬃ'.repeat(320) }, 'account'],
  ])('refuses %s', (_what, input, field) => {
    expect(fieldsAtFault(input)).toEqual([field]);
  });

  it('takes an account that stays within 320 characters once folded', () => {
    expect(fieldsAtFault({ ...valid, account: 'ﬃ'.repeat(106) })).toEqual([]);
  });

  it('lowercases attempt ids (RFC 9562: UUIDs compare case-insensitively)', () => {
    const id = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11';
    expect(attemptInputSchema.parse({ ...valid, id }).id).toBe(id.toLowerCase());
  });

  it('normalizes the subject of an admin command, and refuses one with a NUL', () => {
    const command = { schemaVersion: 1, id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', type: 'unban', reason: 'x', actor: 'soc', issuedAt: '2026-12-01T10:00:00Z' };
    expect(adminCommandSchema.parse({ ...command, subject: 'account:Alice' }).subject).toBe('account:alice');
    expect(adminCommandSchema.safeParse({ ...command, subject: 'account:\u0000' }).success).toBe(false);
    expect(adminCommandSchema.safeParse({ ...command, subject: 'account:x', reason: 'a\u0000' }).success).toBe(false);
    expect(adminCommandSchema.parse({ ...command, subject: 'account:x', reason: 'line one\nline two' }).reason).toBe('line one\nline two');
  });
});
