import { attemptFactory, MIN, T0 } from '../test/attempts.factory.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { decide } from './decide.js';
import { imposeManualBan, liftBan } from './manual-ban.js';

describe('manual bans', () => {
  const attempt = attemptFactory('manual');

  it('a manual ban applies to the attempt\'s verdict and is not escalated by attempts', () => {
    const banned = imposeManualBan(undefined, { at: T0, durationMs: 60 * MIN, commandId: 'cmd-1' }, DEFAULT_POLICY);
    const state = new Map([['account:mallory', banned]]);
    const { verdicts, decisions } = decide(state, [attempt({ at: T0 + MIN, account: 'mallory', fp: 'x' })], DEFAULT_POLICY);
    expect(decisions).toEqual([]);
    expect(verdicts[0]).toMatchObject({ banned: true, gatewayStatus: 429, retryAfter: 59 * 60 });
    expect(verdicts[0]!.bans).toEqual([expect.objectContaining({ subject: 'account:mallory', rule: 'manual' })]);
  });

  it('lifting a ban frees the subject and forgets its level', () => {
    const banned = imposeManualBan(undefined, { at: T0, durationMs: 60 * MIN, commandId: 'cmd-2' }, DEFAULT_POLICY);
    const lifted = liftBan(banned);
    expect(lifted.ban).toBeUndefined();
    expect(banned.ban).toBeDefined();
  });
});
