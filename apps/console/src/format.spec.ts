import { formatSeconds, parseDuration, secondsUntil } from './format.js';

describe('console formats', () => {
  it.each([
    [0, '0 s'],
    [0.2, '1 s'],
    [59, '59 s'],
    [60, '1 min'],
    [141, '2 min 21 s'],
    [7_122, '1 h 58 min'],
    [7_200, '2 h'],
    [273_600, '3 d 4 h'],
  ])('shows %j seconds as %j', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it('counts Retry-After down in whole seconds, rounded up, never below 0', () => {
    const now = Date.parse('2026-12-01T10:00:00.000Z');
    expect(secondsUntil('2026-12-01T10:02:00.000Z', now)).toBe(120);
    expect(secondsUntil('2026-12-01T10:00:00.400Z', now)).toBe(1);
    expect(secondsUntil('2026-12-01T09:59:00.000Z', now)).toBe(0);
  });

  it.each([
    ['600', 600],
    ['90s', 90],
    ['10m', 600],
    [' 2h ', 7_200],
    ['7D', 604_800],
    ['0', null],
    ['10 minutes', null],
    ['', null],
  ])('reads the duration %j as %j', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});
