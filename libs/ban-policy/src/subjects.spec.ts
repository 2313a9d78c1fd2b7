import { normalizeAccount } from '#warden/contracts';
import { DEFAULT_POLICY } from './default-policy.js';
import { extendAllowlist } from './policy-loader.js';
import { checkSubjects, InvalidIpAddressError, scopeOfSubject, subjectKeysOf, subjectsOf } from './subjects.js';

describe('normalizeAccount', () => {
  it.each([
    ['alice', 'alice'],
    ['  Alice ', 'alice'],
    ['ALICE@Example.COM', 'alice@example.com'],
    ['Straße', 'strasse'],
    ['ΟΔΥΣΣΕΥΣ', 'οδυσσευσ'],
    ['e\u0301mile', 'émile'],
    ['', null],
    ['   ', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAccount(input)).toBe(expected);
  });
});

describe('subjectsOf', () => {
  it('forms the five subject strings of DESIGN §7 from normalized values', () => {
    const { subjects } = subjectsOf({ ip: '::ffff:203.0.113.7', account: ' Alice ', credentialFingerprint: 'h1' }, DEFAULT_POLICY);
    expect(subjects.map((subject) => [subject.scope, subject.key])).toEqual([
      ['account-ip', 'account-ip:alice|203.0.113.7'],
      ['account-credential', 'account-credential:alice|h1'],
      ['account', 'account:alice'],
      ['ip', 'ip:203.0.113.7'],
      ['range', 'range:203.0.113.0/24'],
    ]);
  });

  it('uses the IPv6 canonical form and a /64 range', () => {
    expect(checkSubjects({ ip: '2001:DB8:0:0:1::7' }, DEFAULT_POLICY)).toEqual(['ip:2001:db8::1:0:0:7', 'range:2001:db8::/64']);
  });

  it('forms no account subjects without an account, no credential subject without a fingerprint', () => {
    expect(checkSubjects({ ip: '203.0.113.7', account: '  ', credentialFingerprint: 'h1' }, DEFAULT_POLICY)).toEqual([
      'ip:203.0.113.7',
      'range:203.0.113.0/24',
    ]);
    expect(checkSubjects({ ip: '203.0.113.7', account: 'bob', credentialFingerprint: '' }, DEFAULT_POLICY)).toEqual([
      'account-ip:bob|203.0.113.7',
      'account:bob',
      'ip:203.0.113.7',
      'range:203.0.113.0/24',
    ]);
  });

  it('throws a named error for an address that does not parse', () => {
    expect(() => subjectsOf({ ip: 'not-an-ip' }, DEFAULT_POLICY)).toThrow(InvalidIpAddressError);
  });

  it('lists each subject to load once for a batch', () => {
    const keys = subjectKeysOf([{ ip: '203.0.113.7', account: 'a' }, { ip: '203.0.113.8', account: 'A' }], DEFAULT_POLICY);
    expect(keys.sort()).toEqual(
      ['account-ip:a|203.0.113.7', 'account-ip:a|203.0.113.8', 'account:a', 'ip:203.0.113.7', 'ip:203.0.113.8', 'range:203.0.113.0/24'].sort(),
    );
  });

  it('an allowlisted address takes its own subjects and its range out of a check, an allowlisted account its own', () => {
    const policy = extendAllowlist(DEFAULT_POLICY, ['203.0.113.7', 'Root']);
    expect(checkSubjects({ ip: '203.0.113.7', account: 'bob' }, policy)).toEqual(['account:bob']);
    expect(checkSubjects({ ip: '203.0.113.8', account: 'ROOT' }, policy)).toEqual(['ip:203.0.113.8', 'range:203.0.113.0/24']);
    const range = subjectsOf({ ip: '203.0.113.7' }, policy).subjects.find((subject) => subject.scope === 'range')!;
    expect(range).toMatchObject({ allowlisted: false, applies: false });
  });

  it.each([
    ['ip:203.0.113.7', 'ip'],
    ['range:203.0.113.0/24', 'range'],
    ['account-ip:a|b', 'account-ip'],
    ['account-credential:a|b', 'account-credential'],
    ['account:x:y', 'account'],
    ['user:x', null],
    ['nothing', null],
  ])('scopeOfSubject(%j) = %j', (subject, scope) => {
    expect(scopeOfSubject(subject)).toBe(scope);
  });
});
