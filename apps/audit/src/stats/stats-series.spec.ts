import { StatsSeries } from './stats-series.js';

describe('per-minute series', () => {
  it('has a series of zeros for each name given, and one for each name added, sorted by name', () => {
    const series = new StatsSeries(3, ['success', 'failure']);
    series.add('failure', 2, 4);
    series.add('failure', 2, 1);
    series.add('blocked', 0, 7);
    expect(series.toJSON()).toEqual({ blocked: [7, 0, 0], failure: [0, 0, 5], success: [0, 0, 0] });
    expect(Object.keys(series.toJSON())).toEqual(['blocked', 'failure', 'success']);
  });

  it('drops counts outside the window', () => {
    const series = new StatsSeries(2);
    series.add('x', -1, 1);
    series.add('x', 2, 1);
    expect(series.toJSON()).toEqual({});
  });
});
