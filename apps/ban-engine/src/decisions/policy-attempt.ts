import type { PolicyAttempt } from '#warden/ban-policy';
import type { LoginAttemptEvent } from '#warden/contracts';

/**
 * An `auth.login-attempts` record as the policy reads it, at its event time `at` (`attemptTime`,
 * already clamped): given as both times, which the policy's clamp leaves as they are. The stage read
 * it once from the record; parsing both ISO times again per attempt was 2% of the engine's CPU.
 */
export function policyAttempt(attempt: LoginAttemptEvent, at: number): PolicyAttempt {
  return {
    id: attempt.id,
    occurredAt: at,
    receivedAt: at,
    outcome: attempt.outcome,
    ip: attempt.ip,
    account: attempt.account,
    credentialFingerprint: attempt.credentialFingerprint,
  };
}
