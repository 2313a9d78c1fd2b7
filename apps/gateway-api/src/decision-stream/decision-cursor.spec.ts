import { formatCursor, parseCursor } from './decision-cursor.js';

describe('decision stream cursor', () => {
  it('writes partitions in order and reads its own ids back', () => {
    const id = formatCursor(new Map([[2, 17], [0, 1_532], [1, 0]]));
    expect(id).toBe('0:1532,1:0,2:17');
    expect(parseCursor(id)).toEqual(new Map([[0, 1_532], [1, 0], [2, 17]]));
  });

  it.each(['', 'abc', '0:1,', '0:-1', '0:1,0:2', '1.5:3'])('refuses %j', (text) => {
    expect(parseCursor(text)).toBeNull();
  });
});
