import fc from 'fast-check';
import type { PolicyAttempt } from '../src/attempt.js';
import { DEFAULT_POLICY } from '../src/default-policy.js';
import type { ResolveOptions } from '../src/policy-compiler.js';
import { policyFromData } from '../src/policy-loader.js';
import type { Policy } from '../src/policy.types.js';
import { MIN, SEC, T0 } from './attempts.factory.js';

/** The seven default rules with small thresholds so that random traffic bans often, one simulated rule, an allowlist. */
export const TIGHT = compiled({
  rules: {
    'account-ip-failures': { threshold: 3 },
    'identical-credential': { threshold: 3 },
    'ip-total': { threshold: 12, window: '1m' },
    'ip-failures': { threshold: 6 },
    'ip-distinct-accounts': { threshold: 3 },
    'account-failures': { threshold: 5 },
    'range-failures': { threshold: 8 },
    'ip-failures-trial': { counts: 'failures', subject: 'ip', threshold: 2, window: '1m', ban: '1h', mode: 'simulate' },
  },
  allowlist: { cidrs: ['192.0.2.128/25'], accounts: ['root'] },
});

const IPS = ['192.0.2.1', '192.0.2.2', '::ffff:192.0.2.3', '192.0.2.200', '198.51.100.1', '2001:db8::1', '2001:DB8::2'];
const ACCOUNTS = [null, 'alice', 'Alice ', 'bob', 'root', 'carol'];
const FPS = [null, 'f1', 'f2', 'f3', 'f4'];

/** A sequence of attempts a few seconds apart, some dated up to 6 minutes early or 1 minute late. */
export const attemptsArb = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 40 * SEC }),
      skew: fc.oneof(fc.constant(0), fc.integer({ min: -6 * MIN, max: MIN })),
      failure: fc.boolean(),
      ip: fc.constantFrom(...IPS),
      account: fc.constantFrom(...ACCOUNTS),
      fp: fc.constantFrom(...FPS),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((specs) => {
    let receivedAt = T0;
    return specs.map(
      (spec, i): PolicyAttempt => ({
        id: `p-${i}`,
        receivedAt: (receivedAt += spec.gap),
        occurredAt: receivedAt + spec.skew,
        outcome: spec.failure ? 'failure' : 'success',
        ip: spec.ip,
        account: spec.account,
        credentialFingerprint: spec.fp,
      }),
    );
  });

export const policyArb = fc.constantFrom(TIGHT, DEFAULT_POLICY);

export function compiled(data: unknown, options?: ResolveOptions): Policy {
  const result = policyFromData(data, options);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.policy;
}
