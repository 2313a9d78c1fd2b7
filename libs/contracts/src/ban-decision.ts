/** Version of the `auth.ban-decisions` record. */
export const BAN_DECISION_SCHEMA_VERSION = 1;

/**
 * Value of an `auth.ban-decisions` record, keyed by subject (a compacted topic): the current ban
 * state of that subject. `active` until `until`; `lifted` by an admin; `expired` once over.
 */
export interface BanDecisionRecord {
  readonly schemaVersion: typeof BAN_DECISION_SCHEMA_VERSION;
  readonly subject: string;
  readonly scope: string;
  readonly state: 'active' | 'lifted' | 'expired';
  readonly rule: string;
  readonly level: number;
  /** ISO-8601. */
  readonly since: string;
  readonly until: string;
  /** Visible bans are answered 429 with Retry-After; invisible ones 401. */
  readonly visible: boolean;
  readonly policyVersion: string;
  readonly attemptIds: readonly string[];
  /** When this state was decided (ISO-8601). */
  readonly decidedAt: string;
}
