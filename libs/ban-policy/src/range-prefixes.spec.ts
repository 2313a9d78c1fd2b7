import { RangePrefixCounter } from './range-prefixes.js';

describe('RangePrefixCounter', () => {
  it('lists each length while at least one range ban of it is in force, ignoring other subjects', () => {
    const counter = new RangePrefixCounter();
    for (const subject of ['range:10.0.0.0/8', 'range:11.0.0.0/8', 'range:192.0.2.0/24', 'range:2001:db8::/48', 'ip:10.0.0.1']) counter.add(subject);
    expect(counter.prefixes()).toEqual({ ipv4: [8, 24], ipv6: [48] });
    const same = counter.prefixes();
    counter.remove('range:10.0.0.0/8');
    expect(counter.prefixes()).toBe(same);
    counter.remove('range:11.0.0.0/8');
    counter.remove('range:2001:db8::/48');
    expect(counter.prefixes()).toEqual({ ipv4: [24], ipv6: [] });
  });
});
