import fc from 'fast-check';
import { attemptsArb, compiled, policyArb, TIGHT } from '../test/attempts.arbitraries.js';
import { HOUR, MIN, runBatches, T0 } from '../test/attempts.factory.js';
import type { PolicyAttempt } from './attempt.js';
import { decide } from './decide.js';
import { subjectsOf } from './subjects.js';

describe('decide: properties', () => {
  it('the same input always gives the same output, and leaves its input untouched', () => {
    fc.assert(
      fc.property(attemptsArb, attemptsArb, policyArb, (first, second, policy) => {
        const { state } = runBatches(policy, [first]);
        const frozen = JSON.stringify([...state]);
        const once = decide(state, second, policy);
        const again = decide(state, second, policy);
        expect(again).toEqual(once);
        expect(JSON.stringify([...state])).toBe(frozen);
      }),
    );
  });

  it('cutting a sequence into batches in any way gives the same verdicts, decisions, incidents and state', () => {
    fc.assert(
      fc.property(attemptsArb, fc.array(fc.nat(), { maxLength: 8 }), policyArb, (attempts, cuts, policy) => {
        const points = [...new Set(cuts.map((cut) => cut % (attempts.length + 1)))].sort((a, b) => a - b);
        const batches = [0, ...points].map((from, i) => attempts.slice(from, [...points, attempts.length][i]));
        expect(runBatches(policy, batches)).toEqual(runBatches(policy, [attempts]));
      }),
    );
  });

  it('the state is plain JSON', () => {
    fc.assert(
      fc.property(attemptsArb, policyArb, (attempts, policy) => {
        const { state } = runBatches(policy, [attempts]);
        const rows = [...state.values()];
        expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
      }),
    );
  });

  it('a ban never exceeds 24 h', () => {
    fc.assert(
      fc.property(attemptsArb, policyArb, (attempts, policy) => {
        const { decisions, verdicts, state } = runBatches(policy, [attempts]);
        for (const decision of decisions) expect(decision.until - decision.since).toBeLessThanOrEqual(24 * HOUR);
        for (const subject of state.values()) {
          if (subject.ban !== undefined) expect(subject.ban.until - subject.ban.since).toBeLessThanOrEqual(24 * HOUR);
        }
        for (const verdict of verdicts) expect(verdict.retryAfter).toBeLessThanOrEqual(24 * 60 * 60);
      }),
    );
  });

  it('an allowlisted subject is never banned, and an allowlisted address with an allowlisted account never blocked', () => {
    fc.assert(
      fc.property(attemptsArb, (attempts) => {
        const { decisions, verdicts, state } = runBatches(TIGHT, [attempts]);
        const allowlisted = new Set(
          attempts.flatMap((attempt) => subjectsOf(attempt, TIGHT).subjects.filter((s) => s.allowlisted).map((s) => s.key)),
        );
        expect(decisions.filter((decision) => allowlisted.has(decision.subject))).toEqual([]);
        expect([...allowlisted].filter((key) => state.get(key)?.ban !== undefined)).toEqual([]);
        attempts.forEach((attempt, i) => {
          const { subjects } = subjectsOf(attempt, TIGHT);
          if (subjects.every((subject) => !subject.applies)) expect(verdicts[i]!.banned).toBe(false);
        });
      }),
    );
  });

  it('a simulated rule bans nobody', () => {
    fc.assert(
      fc.property(attemptsArb, (attempts) => {
        const { decisions, incidents } = runBatches(TIGHT, [attempts]);
        expect(decisions.filter((decision) => decision.rule === 'ip-failures-trial')).toEqual([]);
        for (const incident of incidents) expect(incident.simulated).toBe(incident.rule === 'ip-failures-trial');
      }),
    );
  });

  it('levels never decrease while within the 24 h memory', () => {
    const longGaps = attemptsArb.map((attempts) => attempts.map((a, i) => ({ ...a, receivedAt: a.receivedAt + i * 20 * MIN, occurredAt: a.occurredAt + i * 20 * MIN })));
    fc.assert(
      fc.property(fc.oneof(attemptsArb, longGaps), policyArb, (attempts, policy) => {
        const { decisions } = runBatches(policy, [attempts]);
        const last = new Map<string, { level: number; until: number }>();
        for (const decision of decisions) {
          const previous = last.get(decision.subject);
          if (previous !== undefined && decision.since - previous.until < 24 * HOUR) {
            expect(decision.level).toBeGreaterThan(previous.level);
          }
          last.set(decision.subject, { level: decision.level, until: decision.until });
        }
      }),
    );
  });

  it.each([
    { counts: 'failures', subject: 'ip' },
    { counts: 'attempts', subject: 'range' },
    { counts: 'distinct-accounts', subject: 'ip' },
    { counts: 'identical-credential', subject: 'account-credential' },
  ])('$counts on $subject: N attempts within W ban from the N-th whatever order they arrive in', (rule) => {
    const policy = compiled({ rules: { only: { ...rule, threshold: 12, window: '4m', ban: '10m' } } }, { defaultRules: false });
    const offsetsArb = fc.uniqueArray(fc.integer({ min: 0, max: 4 * MIN }), { minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(offsetsArb, (offsets) => {
        const make = (order: number[]) =>
          order.map((offset): PolicyAttempt => ({
            id: `o-${offset}`,
            occurredAt: T0 + offset,
            receivedAt: T0 + 5 * MIN,
            outcome: 'failure',
            ip: '198.51.100.77',
            // One account for identical-credential (one subject), one account per attempt otherwise.
            account: rule.counts === 'identical-credential' ? 'user' : `user${offset}`,
            credentialFingerprint: 'same',
          }));
        const bans = (order: number[]) =>
          decide({}, make(order), policy).decisions.map(({ subject, rule: name, since, until }) => ({ subject, name, since, until }));
        const nth = Math.max(...offsets);
        expect(bans(offsets)).toEqual([
          expect.objectContaining({ since: T0 + nth, until: T0 + nth + 10 * MIN }),
        ]);
      }),
    );
  });
});
