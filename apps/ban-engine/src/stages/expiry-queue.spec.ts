import { ExpiryQueue } from './expiry-queue.js';

describe('ExpiryQueue', () => {
  it('gives the ends that are due, soonest first, and keeps the later ones', () => {
    const queue = new ExpiryQueue();
    const ends = [50, 10, 40, 10, 30, 70, 20, 60];
    ends.forEach((until, n) => queue.push({ until, subject: `ip:192.0.2.${n}` }));
    const due: number[] = [];
    for (let next = queue.popDue(45); next !== undefined; next = queue.popDue(45)) due.push(next.until);
    expect(due).toEqual([10, 10, 20, 30, 40]);
    expect(queue.hasDue(55)).toBe(true);
    expect(queue.hasDue(49)).toBe(false);
    expect(queue.size).toBe(3);
  });
});
