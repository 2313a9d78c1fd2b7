import { cidrContains, ipRange, normalizeIp, parseCidr, parseIp } from './ip-address.js';

describe('normalizeIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:0:1:0:0', '2001:db8::1:0:0'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['::192.0.2.1', '::c000:201'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    '',
    'localhost',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.-4',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '2001:db8::g',
    '12345::',
    'fe80::1%eth0',
    '::ffff:999.0.0.1',
  ])('%j is not an address', (input) => {
    expect(normalizeIp(input)).toBeNull();
  });
});

describe('ipRange', () => {
  it.each([
    ['203.0.113.7', 24, '203.0.113.0/24'],
    ['203.0.113.7', 16, '203.0.0.0/16'],
    ['203.0.113.7', 32, '203.0.113.7/32'],
    ['203.0.113.7', 0, '0.0.0.0/0'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff', 64, '2001:db8:aaaa:bbbb::/64'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff', 56, '2001:db8:aaaa:bb00::/56'],
    ['2001:db8::1', 64, '2001:db8::/64'],
  ])('%s /%d → %s', (address, prefix, expected) => {
    expect(ipRange(parseIp(address)!, prefix)).toBe(expected);
  });
});

describe('CIDR', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.1.2.3', '10.1.2.3', true],
    ['10.1.2.3', '10.1.2.4', false],
    ['10.1.2.99/24', '10.1.2.4', true],
    ['::ffff:10.0.0.0/104', '10.9.9.9', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/32', '10.0.0.1', false],
    ['0.0.0.0/0', '192.0.2.1', true],
  ])('%s contains %s: %s', (cidr, address, expected) => {
    expect(cidrContains(parseCidr(cidr)!, parseIp(address)!)).toBe(expected);
  });

  it('contains a range only when the range lies wholly inside', () => {
    const slash25 = parseCidr('192.0.2.128/25')!;
    expect(cidrContains(slash25, parseIp('192.0.2.200')!, 24)).toBe(false);
    expect(cidrContains(parseCidr('192.0.0.0/16')!, parseIp('192.0.2.200')!, 24)).toBe(true);
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', 'x/8', '2001:db8::/129', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/024', '2001:db8::/064', '10.0.0.0/+8', '10.0.0.0/ 8'])('%j is not a CIDR', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});
