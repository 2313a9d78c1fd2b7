import type { PolicyAttempt } from '#warden/ban-policy';
import type { LoginAttemptEvent } from '#warden/contracts';

/** An `auth.login-attempts` record as the policy reads it: times as epoch milliseconds. */
export function policyAttempt(attempt: LoginAttemptEvent): PolicyAttempt {
  return {
    id: attempt.id,
    occurredAt: Date.parse(attempt.occurredAt),
    receivedAt: Date.parse(attempt.receivedAt),
    outcome: attempt.outcome,
    ip: attempt.ip,
    account: attempt.account,
    credentialFingerprint: attempt.credentialFingerprint,
  };
}
