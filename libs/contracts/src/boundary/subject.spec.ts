import { normalizeSubject } from './subject.js';

describe('subjects named in requests', () => {
  it.each([
    ['ip:::ffff:203.0.113.7', 'ip:203.0.113.7'],
    ['account:ALICE', 'account:alice'],
    ['range:198.51.100.9/24', 'range:198.51.100.0/24'],
    ['account-ip:Alice|::ffff:192.0.2.1', 'account-ip:alice|192.0.2.1'],
    ['account-credential:Bob|fp|with|bars', 'account-credential:bob|fp|with|bars'],
    ['host:example.org', null],
    ['ip:not-an-ip', null],
    ['account-ip:alice', null],
    ['account-credential:alice|', null],
  ])('normalizes %s to %s', (text, subject) => {
    expect(normalizeSubject(text)).toBe(subject);
  });
});
