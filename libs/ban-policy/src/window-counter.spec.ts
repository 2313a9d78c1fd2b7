import fc from 'fast-check';
import { compiled } from '../test/attempts.arbitraries.js';
import { countAttempt, CountedAttempt, newCounter } from './window-counter.js';

const SEC = 1_000;

/**
 * The counting rule of DESIGN §7 as plainly as it can be said, for attempts in order of event
 * time: every counted attempt since the last ban is remembered; one at t is the N-th within W when
 * N of them lie in [t − W, t], and then the ban starts at t with the latest ids as evidence, and
 * the count starts afresh. `countAttempt` keeps only N − 1 times and changes its arrays in place:
 * it must fire at the same attempts with the same evidence.
 */
function reference(threshold: number, windowMs: number, evidence: number, times: readonly number[]): Array<{ index: number; at: number; attemptIds: string[] }> {
  const fired: Array<{ index: number; at: number; attemptIds: string[] }> = [];
  let counted: Array<{ at: number; id: string }> = [];
  times.forEach((at, index) => {
    counted.push({ at, id: `a-${index}` });
    const inWindow = counted.filter((entry) => entry.at >= at - windowMs);
    if (inWindow.length >= threshold) {
      fired.push({ index, at, attemptIds: inWindow.slice(-evidence).map((entry) => entry.id) });
      counted = [];
    }
  });
  return fired;
}

/** Event times in order (equal ones included), gaps up to a third of the window now and then longer. */
const inOrderTimes = (windowMs: number) =>
  fc
    .array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: Math.floor(windowMs / 3) }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * windowMs }) }), { minLength: 1, maxLength: 400 })
    .map((gaps) => {
      let at = Date.UTC(2024, 2, 1);
      return gaps.map((gap) => (at += gap));
    });

describe('countAttempt', () => {
  it('fires where the plain counting rule does, with the same evidence, for thresholds from 2 to 300 (attempts in order)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 2, max: 40 }), fc.constant(300)),
        fc.constantFrom(10 * SEC, 2 * 60 * SEC, 15 * 60 * SEC).chain((windowMs) => fc.tuple(fc.constant(windowMs), inOrderTimes(windowMs))),
        fc.constantFrom('failures' as const, 'attempts' as const),
        (threshold, [windowMs, times], counts) => {
          const policy = compiled({ rules: { probe: { counts, subject: 'ip', threshold, window: `${windowMs / SEC}s`, ban: '1m' } } });
          const rule = policy.ruleByName.get('probe')!;
          const counter = newCounter(rule);
          const attempt = new CountedAttempt();
          const fired: Array<{ index: number; at: number; attemptIds: string[] }> = [];
          times.forEach((at, index) => {
            attempt.set(`a-${index}`, at, true, null, null, false);
            const result = countAttempt(rule, counter, attempt);
            if (result !== null) fired.push({ index, at: result.at, attemptIds: result.attemptIds });
          });
          expect(fired).toEqual(reference(threshold, windowMs, rule.evidence, times));
        },
      ),
      { numRuns: 300 },
    );
  });
});
