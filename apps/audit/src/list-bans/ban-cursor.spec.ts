import { decodeBanCursor, encodeBanCursor } from './ban-cursor.js';

describe('ban list cursors', () => {
  it('round-trips a position', () => {
    const position = { since: new Date('2026-12-01T10:00:00.123Z'), subject: 'account-ip:alice|203.0.113.7' };
    expect(decodeBanCursor(encodeBanCursor(position))).toEqual(position);
  });

  it.each(['', 'MA', Buffer.from('[1]').toString('base64url'), Buffer.from('[1.5,"ip:x"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')])(
    'refuses %j',
    (cursor) => {
      expect(decodeBanCursor(cursor)).toBeNull();
    },
  );
});
