import { decodeCursor, encodeCursor } from './incident-cursor.js';

describe('incident cursors', () => {
  it('round-trips a sequence number', () => {
    for (const sequence of [1, 42, 9_007_199_254_740]) expect(decodeCursor(encodeCursor(sequence))).toBe(sequence);
  });

  it.each(['', 'MA', 'LTE', Buffer.from('12abc').toString('base64url')])('refuses %j', (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
