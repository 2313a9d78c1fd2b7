/**
 * An attempt as the policy reads it. Times are epoch milliseconds; the engine converts the
 * ISO-8601 `occurredAt` of the contract and stamps `receivedAt` when Warden received it.
 */
export interface PolicyAttempt {
  /** Unique per attempt: the engine drops repeats before deciding (ids are idempotency keys). */
  readonly id: string;
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly outcome: 'success' | 'failure';
  readonly ip: string;
  readonly account?: string | null | undefined;
  readonly credentialFingerprint?: string | null | undefined;
}
