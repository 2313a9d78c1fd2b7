import fc from 'fast-check';
import { attemptsArb, policyArb, TIGHT } from '../test/attempts.arbitraries.js';
import { attemptFactory, MIN, runBatches, T0 } from '../test/attempts.factory.js';
import { decide, decideBatch } from './decide.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { imposeManualBan, liftBan } from './manual-ban.js';
import { prunableAfter } from './prune.js';
import type { SubjectState } from './state.js';
import { SubjectStates } from './subject-states.js';

/** Cuts `attempts` into batches at `cuts` (positions, taken modulo its length + 1). */
function cut<T>(attempts: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((at) => at % (attempts.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((from, i) => attempts.slice(from, [...points, attempts.length][i]));
}

describe('SubjectStates with decideBatch', () => {
  it('decides as the pure decide does, batch after batch, the store kept in memory between them', () => {
    fc.assert(
      fc.property(attemptsArb, fc.array(fc.nat(), { maxLength: 6 }), policyArb, (attempts, cuts, policy) => {
        const batches = cut(attempts, cuts);
        const states = new SubjectStates(policy);
        const outcomes = batches.map((batch) => decideBatch(states, batch));
        const expected = runBatches(policy, batches);
        expect(outcomes.flatMap((outcome) => outcome.verdicts)).toEqual(expected.verdicts);
        expect(outcomes.flatMap((outcome) => outcome.decisions)).toEqual(expected.decisions);
        expect(outcomes.flatMap((outcome) => outcome.incidents)).toEqual(expected.incidents);
        expect(new Map([...states.subjects()].map((subject) => [subject, states.toJson(subject)]))).toEqual(expected.state);
      }),
    );
  });

  it('lists each subject a batch changed once, in the order first changed', () => {
    const attempt = attemptFactory();
    const states = new SubjectStates(DEFAULT_POLICY);
    const { changed } = decideBatch(states, [
      attempt({ account: 'alice', ip: '203.0.113.7', outcome: 'success' }),
      attempt({ account: 'alice', ip: '203.0.113.7', fp: 'x' }),
    ]);
    expect(changed).toEqual(['ip:203.0.113.7', 'range:203.0.113.0/24', 'account-ip:alice|203.0.113.7', 'account-credential:alice|x', 'account:alice']);
  });

  it('loads a subject from its JSON and gives back equal JSON, a copy the caller may change', () => {
    fc.assert(
      fc.property(attemptsArb, policyArb, (attempts, policy) => {
        const { state } = runBatches(policy, [attempts]);
        const loaded = new SubjectStates(policy);
        for (const [subject, json] of state) loaded.load(subject, json);
        for (const [subject, json] of state) {
          const copy = loaded.toJson(subject)!;
          expect(copy).toEqual(json);
          for (const counter of Object.values(copy.rules ?? {})) counter.t.push(0);
          if (copy.ban !== undefined) copy.ban.level = -1;
          expect(loaded.toJson(subject)).toEqual(json);
        }
      }),
    );
  });

  it('decides the same after a checkpoint as without one (state saved as JSON and loaded into a new store)', () => {
    fc.assert(
      fc.property(attemptsArb, fc.nat(), (attempts, at) => {
        const split = at % (attempts.length + 1);
        const kept = new SubjectStates(TIGHT);
        decideBatch(kept, attempts.slice(0, split));
        const restored = new SubjectStates(TIGHT);
        for (const subject of kept.subjects()) restored.load(subject, JSON.parse(JSON.stringify(kept.toJson(subject))) as SubjectState);
        expect(decideBatch(restored, attempts.slice(split))).toEqual(decideBatch(kept, attempts.slice(split)));
      }),
    );
  });

  it('prunes the subjects whose state no longer matters, as prunableAfter of their JSON says', () => {
    fc.assert(
      fc.property(attemptsArb, policyArb, fc.integer({ min: 0, max: 48 * 60 }), (attempts, policy, minutes) => {
        const states = new SubjectStates(policy);
        decideBatch(states, attempts);
        const at = T0 + minutes * MIN;
        const expected = [...states.subjects()].filter((subject) => prunableAfter(states.toJson(subject)!, policy) <= at);
        for (const subject of states.subjects()) expect(states.prunableAfter(subject)).toBe(prunableAfter(states.toJson(subject)!, policy));
        expect(states.prune(at)).toEqual(expected);
        for (const subject of expected) expect(states.has(subject)).toBe(false);
      }),
    );
  });

  it('keeps the counters of a rule the policy no longer has, as they were, until the subject is pruned', () => {
    const states = new SubjectStates(DEFAULT_POLICY);
    const gone = { t: [T0], ids: ['a-1'], reset: T0 - MIN };
    states.load('ip:198.51.100.9', { rules: { 'retired-rule': gone } });
    decideBatch(states, [attemptFactory()({ ip: '198.51.100.9', at: T0 + MIN })]);
    expect(states.toJson('ip:198.51.100.9')?.rules).toMatchObject({ 'retired-rule': gone, 'ip-total': { t: [T0 + MIN] } });
  });

  it('takes a manual ban as a loaded state', () => {
    const states = new SubjectStates(DEFAULT_POLICY);
    const banned = imposeManualBan(states.toJson('account:mallory'), { at: T0, durationMs: 60 * MIN, commandId: 'c-1' }, DEFAULT_POLICY);
    states.load('account:mallory', banned);
    const { verdicts } = decideBatch(states, [attemptFactory()({ account: 'mallory', fp: 'x', at: T0 + MIN })]);
    expect(verdicts[0]).toMatchObject({ banned: true, gatewayStatus: 429 });
  });

  it('applies to a success the ban of a subject no rule counts a success on (the account), however the ban came', () => {
    const attempt = attemptFactory('held');
    const success = () => attempt({ account: 'mallory', ip: '198.51.100.7', fp: 'x', at: T0 + MIN, outcome: 'success' });
    const accountBanned = { banned: true, bans: [expect.objectContaining({ subject: 'account:mallory' })] };
    // Decided in an earlier batch: 20 failures of the account from 20 addresses (account-failures).
    const decided = new SubjectStates(DEFAULT_POLICY);
    decideBatch(decided, Array.from({ length: 20 }, (_, i) => attempt({ account: 'mallory', ip: `203.0.113.${i}`, fp: `guess-${i}`, at: T0 + i })));
    expect(decideBatch(decided, [success()]).verdicts[0]).toMatchObject(accountBanned);
    // Loaded into the store, or read by decide from plain JSON.
    const manual = imposeManualBan(undefined, { at: T0, durationMs: 60 * MIN, commandId: 'c-2' }, DEFAULT_POLICY);
    const loaded = new SubjectStates(DEFAULT_POLICY);
    loaded.load('account:mallory', manual);
    expect(decideBatch(loaded, [success()]).verdicts[0]).toMatchObject(accountBanned);
    expect(decide(new Map([['account:mallory', manual]]), [success()], DEFAULT_POLICY).verdicts[0]).toMatchObject(accountBanned);
    // Loaded again without it, or deleted: gone.
    loaded.load('account:mallory', liftBan(manual));
    expect(decideBatch(loaded, [success()]).verdicts[0]).toMatchObject({ banned: false });
    decided.delete('account:mallory');
    expect(decideBatch(decided, [success()]).verdicts[0]).toMatchObject({ banned: false });
  });

  it('refuses a key that is not a subject', () => {
    expect(() => new SubjectStates(DEFAULT_POLICY).load('user:alice', {})).toThrow('not a subject');
  });
});
