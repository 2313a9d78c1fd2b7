import fc from 'fast-check';
import { DEFAULT_POLICY } from './default-policy.js';
import { extendAllowlist } from './policy-loader.js';
import { checkAddressOf, checkSubjects, checkSubjectsAt, InvalidIpAddressError } from './subjects.js';

describe('checkAddressOf / checkSubjectsAt', () => {
  const policy = extendAllowlist(DEFAULT_POLICY, ['203.0.113.7', '172.16.0.0/12', '2001:db8:5::/48', 'Root']);
  const ip = fc.oneof(
    fc.constantFrom('203.0.113.7', '203.0.113.8', ' 10.1.2.3 ', '::ffff:10.1.2.3', '172.16.9.9', '2001:DB8:5::1', '2001:db8:1:2:3::9'),
    fc.ipV4(),
    fc.ipV6(),
  );
  const account = fc.option(fc.constantFrom('bob', ' Bob ', 'ROOT', '', '   ', 'ΣΟΦΟΣ'), { nil: undefined });
  const credentialFingerprint = fc.option(fc.constantFrom('fp-1', ' ', 'fp-2'), { nil: undefined });
  const prefixes = fc.constantFrom({ ipv4: [], ipv6: [] }, { ipv4: [8, 16, 24, 32], ipv6: [48] }, { ipv4: [24], ipv6: [32, 64, 128] });

  it('forms exactly the keys checkSubjects forms, for any query from the address', () => {
    fc.assert(
      fc.property(fc.record({ ip, account, credentialFingerprint }), prefixes, (query, lengths) => {
        const at = checkAddressOf(query.ip, policy, lengths);
        const keys = checkSubjectsAt(query, at, policy);
        expect(keys).toEqual(checkSubjects(query, policy, lengths));
        expect(at.keys).toEqual(checkSubjects({ ip: query.ip }, policy, lengths));
        expect(keys.slice(keys.length - at.keys.length)).toEqual(at.keys);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps the lengths it was formed for, and refuses an address that does not parse', () => {
    const lengths = { ipv4: [8], ipv6: [] };
    expect(checkAddressOf('10.1.2.3', DEFAULT_POLICY, lengths)).toMatchObject({ rangePrefixes: lengths, keys: ['ip:10.1.2.3', 'range:10.1.2.0/24', 'range:10.0.0.0/8'] });
    expect(() => checkAddressOf('10.1.2', DEFAULT_POLICY)).toThrow(InvalidIpAddressError);
  });
});
