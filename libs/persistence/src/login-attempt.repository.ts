import type { LoginAttemptEvent } from '#warden/contracts';
import type { Database } from './database.js';

/**
 * Stores attempts, each once. One statement per batch (unnest of column arrays), and
 * `ON CONFLICT DO NOTHING`: a redelivered or resent attempt changes nothing.
 */
export class LoginAttemptRepository {
  constructor(private readonly database: Database) {}

  /** Returns the ids that were new, so a caller can tell first deliveries from repeats. */
  async insertNew(attempts: readonly LoginAttemptEvent[]): Promise<Set<string>> {
    if (attempts.length === 0) return new Set();
    const column = <K extends keyof LoginAttemptEvent>(key: K) => attempts.map((attempt) => attempt[key] ?? null);
    const rows = await this.database.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO login_attempts
        (id, occurred_at, received_at, outcome, ip, account, credential_fingerprint, endpoint, tenant, user_agent)
      SELECT * FROM unnest(
        ${column('id')}::uuid[], ${column('occurredAt')}::timestamptz[], ${column('receivedAt')}::timestamptz[],
        ${column('outcome')}::varchar[], ${column('ip')}::varchar[], ${column('account')}::varchar[],
        ${column('credentialFingerprint')}::varchar[], ${column('endpoint')}::varchar[], ${column('tenant')}::varchar[],
        ${column('userAgent')}::varchar[])
      ON CONFLICT (id) DO NOTHING
      RETURNING id`;
    return new Set(rows.map((row) => row.id));
  }
}
