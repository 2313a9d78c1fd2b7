import { humanDuration } from './human-duration.js';

describe('humanDuration', () => {
  it.each([[45, '45 s'], [60, '1 min'], [1_893, '31 min 33 s'], [7_200, '2 h'], [86_399, '23 h 59 min']])('%i s reads %s', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});
