import fc from 'fast-check';
import { ipRange, normalizeAccount, parseIp } from '#warden/contracts';
import { compiled } from '../test/attempts.arbitraries.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { extendAllowlist } from './policy-loader.js';
import { checkSubjects, InvalidIpAddressError, rangePrefixOfSubject, scopeOfSubject, subjectKeysOf, subjectsOf } from './subjects.js';

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

  it('adds the caller\'s networks at each range length in force beyond the policy\'s own', () => {
    const prefixes = { ipv4: [8, 16, 24, 32], ipv6: [48] };
    expect(checkSubjects({ ip: '10.1.2.3' }, DEFAULT_POLICY, prefixes)).toEqual([
      'ip:10.1.2.3',
      'range:10.1.2.0/24',
      'range:10.0.0.0/8',
      'range:10.1.0.0/16',
      'range:10.1.2.3/32',
    ]);
    expect(checkSubjects({ ip: '2001:db8:1:2:3::9' }, DEFAULT_POLICY, prefixes)).toEqual([
      'ip:2001:db8:1:2:3::9',
      'range:2001:db8:1:2::/64',
      'range:2001:db8:1::/48',
    ]);
  });

  it('never blocks an allowlisted address by a wider range either', () => {
    const policy = extendAllowlist(DEFAULT_POLICY, ['10.1.2.3', '172.16.0.0/12']);
    expect(checkSubjects({ ip: '10.1.2.3' }, policy, { ipv4: [8], ipv6: [] })).toEqual([]);
    expect(checkSubjects({ ip: '172.16.9.9' }, policy, { ipv4: [8, 16], ipv6: [] })).toEqual([]);
    expect(checkSubjects({ ip: '10.1.2.4' }, policy, { ipv4: [8], ipv6: [] })).toEqual(['ip:10.1.2.4', 'range:10.1.2.0/24', 'range:10.0.0.0/8']);
  });

  it.each([
    ['range:10.0.0.0/8', { version: 4, prefix: 8 }],
    ['range:2001:db8::/48', { version: 6, prefix: 48 }],
    ['range:::/0', { version: 6, prefix: 0 }],
    ['ip:10.0.0.1', null],
    ['range:10.0.0.0', null],
  ])('rangePrefixOfSubject(%j) = %j', (subject, expected) => {
    expect(rangePrefixOfSubject(subject)).toEqual(expected);
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

describe('range subjects of dotted IPv4 text', () => {
  it('are the masked network ipRange prints, at every prefix length (whole octets are cut from the text)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.oneof(fc.constantFrom(0, 8, 16, 24, 32), fc.integer({ min: 0, max: 32 })), (octets, prefix) => {
        const text = octets.join('.');
        const policy = compiled({ ranges: { ipv4: prefix } });
        const range = subjectsOf({ ip: text }, policy).subjects.find((subject) => subject.scope === 'range')!.key;
        expect(range).toBe(`range:${ipRange(parseIp(text)!, prefix)}`);
      }),
    );
  });
});
