import { subjectOfBanRequest } from './ban-subject.js';

const request = { durationSeconds: 60, reason: 'r' };

describe('subjects of manual bans', () => {
  it.each([
    [{ ip: '::ffff:203.0.113.7' }, { subject: 'ip:203.0.113.7' }],
    [{ ip: '2001:DB8:0:0::1' }, { subject: 'ip:2001:db8::1' }],
    [{ account: ' Alice ' }, { subject: 'account:alice' }],
    [{ range: '203.0.113.77/24' }, { subject: 'range:203.0.113.0/24' }],
    [{ range: '2001:db8:1:2:3::/64' }, { subject: 'range:2001:db8:1:2::/64' }],
    [{ ip: '300.1.1.1' }, { field: 'ip', message: expect.any(String) }],
    [{ account: '   ' }, { field: 'account', message: expect.any(String) }],
    [{ range: '10.0.0.0/33' }, { field: 'range', message: expect.any(String) }],
  ])('%j → %j', (target, expected) => {
    expect(subjectOfBanRequest({ ...request, ...target })).toEqual(expected);
  });
});
