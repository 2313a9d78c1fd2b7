import { InvalidArgumentError } from 'commander';
import { durationSeconds, instantOrAgo, positiveInteger } from './cli-arguments.js';

describe('option values', () => {
  it.each([['10m', 600], ['2h', 7_200], ['1d', 86_400], ['90s', 90], ['45', 45]])('--for %s is %i s', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['500ms', '10 minutes', '-5m', '0', ''])('--for %j is refused', (text) => {
    expect(() => durationSeconds(text)).toThrow(InvalidArgumentError);
  });

  it('reads --since as a time back from now or as an ISO-8601 instant', () => {
    const since = instantOrAgo(() => Date.parse('2026-12-01T12:00:00Z'));
    expect(since('2h')).toBe('2026-12-01T10:00:00.000Z');
    expect(since('2026-11-30T08:00:00+01:00')).toBe('2026-11-30T07:00:00.000Z');
    expect(() => since('yesterday')).toThrow(/neither a duration back from now/);
    expect(() => since('2026-13-45T99:00:00Z')).toThrow(InvalidArgumentError);
  });

  it('takes whole counts of at least 1', () => {
    expect(positiveInteger('20')).toBe(20);
    expect(() => positiveInteger('0')).toThrow(InvalidArgumentError);
    expect(() => positiveInteger('1.5')).toThrow(InvalidArgumentError);
  });
});
