/** Version of the `auth.incidents` record. */
export const INCIDENT_SCHEMA_VERSION = 1;

export type IncidentType =
  | 'ban_imposed'
  | 'ban_escalated'
  | 'ban_lifted'
  | 'ban_expired'
  | 'manual_ban'
  | 'manual_unban'
  | 'allowlist_hit'
  | 'attempt_rejected';

/** Value of an `auth.incidents` record, keyed by subject (DESIGN §6). */
export interface IncidentRecord {
  readonly schemaVersion: typeof INCIDENT_SCHEMA_VERSION;
  /** Deterministic: the same decision replayed gives the same id, so consumers can deduplicate. */
  readonly id: string;
  readonly type: IncidentType;
  readonly severity: 'low' | 'medium' | 'high';
  readonly subject: string;
  readonly rule: string | null;
  readonly level: number | null;
  /** ISO-8601, or null where no ban has an end. */
  readonly until: string | null;
  readonly attemptIds: readonly string[];
  /** `policy` for the engine's own decisions, else the API key name of the admin. */
  readonly actor: string;
  readonly reason: string | null;
  readonly at: string;
  /** The rule runs in simulate mode: nobody was banned. */
  readonly simulated: boolean;
  readonly policyVersion: string | null;
}
