/** Version of the `auth.verdicts` record. */
export const VERDICT_SCHEMA_VERSION = 1;

/** A ban item (DESIGN §5) as the wire carries it. */
export interface BanItemRecord {
  readonly subject: string;
  readonly scope: string;
  readonly rule: string;
  readonly level: number;
  /** ISO-8601. */
  readonly until: string;
  /** Whole seconds, rounded up. */
  readonly retryAfter: number;
  readonly visible: boolean;
}

/** Value of an `auth.verdicts` record, keyed by attempt id: how the engine decided one attempt. */
export interface VerdictRecord {
  readonly schemaVersion: typeof VERDICT_SCHEMA_VERSION;
  readonly attemptId: string;
  readonly banned: boolean;
  readonly retryAfter: number;
  readonly until: string | null;
  readonly bans: readonly BanItemRecord[];
  readonly trigger: boolean;
  readonly gatewayStatus: 429 | 401 | null;
}
