import fc from 'fast-check';
import { banStatus, checkSubjects, DEFAULT_POLICY, extendAllowlist } from '#warden/ban-policy';
import type { DecisionStreamEvent } from '#warden/contracts';
import { AddressMemo } from './address-memo.js';
import { CacheCheck } from './cache-check.js';
import { resultOfStatus } from './check-result.js';
import { DecisionCache } from './decision-cache.js';

const start = Date.parse('2026-03-01T12:00:00Z');
const policy = extendAllowlist(DEFAULT_POLICY, ['192.0.2.7']);
const ips = ['203.0.113.7', '203.0.113.8', '::ffff:203.0.113.7', '192.0.2.7', '10.1.2.3', '2001:db8::1', '2001:db8::2'];
const subjects = ['ip:203.0.113.7', 'ip:10.1.2.3', 'range:203.0.113.0/24', 'range:10.0.0.0/8', 'range:2001:db8::/64', 'ip:192.0.2.7', 'account-ip:alice|203.0.113.7', 'account:alice'];

type Step =
  | { readonly kind: 'decide'; readonly subject: string; readonly state: DecisionStreamEvent['state']; readonly seconds: number; readonly visible: boolean }
  | { readonly kind: 'check'; readonly ip: string; readonly account: string | undefined }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'resync' }
  | { readonly kind: 'sweep' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      subject: fc.constantFrom(...subjects),
      state: fc.constantFrom<DecisionStreamEvent['state']>('active', 'active', 'active', 'lifted', 'expired'),
      seconds: fc.integer({ min: 1, max: 30 }),
      visible: fc.boolean(),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('check' as const), ip: fc.constantFrom(...ips), account: fc.option(fc.constantFrom('alice', ' Alice ', 'bob'), { nil: undefined }) }), weight: 4 },
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 4_000 }) }),
  fc.constant({ kind: 'resync' as const }),
  fc.constant({ kind: 'sweep' as const }),
);

describe('CacheCheck', () => {
  it('answers as checkSubjects and banStatus over every lookup would, through bans coming, going, ending and a swapped cache', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 150 }), (steps) => {
        const check = new CacheCheck(policy, 4);
        let cache = new DecisionCache();
        const decisions: DecisionStreamEvent[] = [];
        let at = start;
        for (const each of steps) {
          if (each.kind === 'decide') {
            const decision: DecisionStreamEvent = {
              subject: each.subject,
              scope: each.subject.slice(0, each.subject.indexOf(':')),
              state: each.state,
              rule: 'ip-total',
              level: 1,
              until: new Date(at + each.seconds * 1_000).toISOString(),
              visible: each.visible,
            };
            decisions.push(decision);
            cache.apply(decision);
          } else if (each.kind === 'wait') at += each.ms;
          else if (each.kind === 'sweep') cache.sweep(at);
          else if (each.kind === 'resync') {
            // As the follower does after a new epoch: the same decisions read into a new cache.
            cache = new DecisionCache();
            for (const decision of decisions) cache.apply(decision);
          } else {
            const query = { ip: each.ip, account: each.account };
            const expected = resultOfStatus(banStatus(checkSubjects(query, policy, cache.rangePrefixes()).map((subject) => cache.ban(subject)), at));
            expect(check.answer(cache, query, at)).toEqual(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('AddressMemo', () => {
  it('keeps an address from its second miss on, the same object while the range lengths are the same', () => {
    const memo = new AddressMemo(DEFAULT_POLICY, 8);
    const lengths = { ipv4: [], ipv6: [] };
    expect(memo.of('10.1.2.3', lengths).lookup).toBeUndefined();
    expect(memo.size).toBe(0);
    const kept = memo.of('10.1.2.3', lengths);
    expect(kept.lookup).toBeDefined();
    expect(memo.of('10.1.2.3', lengths)).toBe(kept);
    const wider = { ipv4: [8], ipv6: [] };
    expect(memo.of('10.1.2.3', wider).address.keys).toEqual(['ip:10.1.2.3', 'range:10.1.2.0/24', 'range:10.0.0.0/8']);
    expect(memo.size).toBe(1);
  });

  it('holds at most its capacity; an address dropped with the rest is kept again at its next miss', () => {
    const memo = new AddressMemo(DEFAULT_POLICY, 4);
    const lengths = { ipv4: [], ipv6: [] };
    const ask = (ip: string) => memo.of(ip, lengths);
    ask('10.0.0.0');
    const first = ask('10.0.0.0');
    for (let i = 1; i < 50; i++) {
      ask(`10.0.0.${i}`);
      ask(`10.0.0.${i}`);
      expect(memo.size).toBeLessThanOrEqual(4);
    }
    const again = ask('10.0.0.0');
    expect(again).not.toBe(first);
    expect(again.lookup).toBeDefined();
    expect(ask('10.0.0.0')).toBe(again);
  });
});
