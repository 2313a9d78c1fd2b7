import type { LoginAttemptEvent } from '#warden/contracts';
import type { Database } from './database.js';
import { Prisma } from './generated/prisma/client.js';

export interface SubjectStateRow {
  readonly subject: string;
  readonly state: unknown;
  readonly prunableAfter: Date;
}

export interface BanRow {
  readonly subject: string;
  readonly scope: string;
  readonly rule: string;
  readonly level: number;
  readonly since: Date;
  readonly until: Date;
  readonly visible: boolean;
  readonly status: 'active' | 'lifted' | 'expired';
  readonly policyVersion: string;
  readonly attemptIds: readonly string[];
}

export interface BanEventRow extends Omit<BanRow, 'status' | 'scope' | 'visible'> {
  readonly type: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly at: Date;
}

/** Advisory lock key space of subject locks ("WA"), and how many buckets subjects hash into. */
const SUBJECT_LOCK_SPACE = 0x5741;
const SUBJECT_LOCK_BUCKETS = 256;

const BAN_COLUMNS = Prisma.sql`subject, scope, rule, level, since, until, visible, status,
  policy_version AS "policyVersion", attempt_ids::text[] AS "attemptIds"`;

/**
 * The ban engine's work on one batch, inside one Postgres transaction: store the attempts (each
 * once), lock and load the state of the subjects they touch, then write the new state, bans, ban
 * history and verdicts. Subjects are locked with transaction-scoped advisory locks taken in one
 * global order, so engines that share a subject (an account attacked from IPs on several
 * partitions) take turns on it instead of losing each other's updates, and cannot deadlock.
 */
export class BanEngineTransaction {
  constructor(private readonly tx: Prisma.TransactionClient) {}

  /** Inserts the attempts; returns the ids that were new (the rest were seen before). */
  async storeAttempts(attempts: readonly LoginAttemptEvent[]): Promise<Set<string>> {
    if (attempts.length === 0) return new Set();
    const column = <K extends keyof LoginAttemptEvent>(key: K) => attempts.map((attempt) => attempt[key] ?? null);
    const rows = await this.tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO login_attempts
        (id, occurred_at, received_at, outcome, ip, account, credential_fingerprint, endpoint, tenant, user_agent)
      SELECT * FROM unnest(
        ${column('id')}::uuid[], ${column('occurredAt')}::timestamptz[], ${column('receivedAt')}::timestamptz[],
        ${column('outcome')}::varchar[], ${column('ip')}::varchar[], ${column('account')}::varchar[],
        ${column('credentialFingerprint')}::varchar[], ${column('endpoint')}::varchar[], ${column('tenant')}::varchar[],
        ${column('userAgent')}::varchar[])
      -- Rows in one order: two batches inserting the same ids wait for each other, never deadlock.
      ORDER BY 1
      ON CONFLICT (id) DO NOTHING
      RETURNING id`;
    return new Set(rows.map((row) => row.id));
  }

  /** The verdicts stored for attempts seen before (only those a ban applied to have one). */
  async storedVerdicts(ids: readonly string[]): Promise<Map<string, unknown>> {
    if (ids.length === 0) return new Map();
    const rows = await this.tx.$queryRaw<Array<{ id: string; verdict: unknown }>>`
      SELECT id::text, verdict FROM login_attempts WHERE id = ANY(${ids}::uuid[]) AND verdict IS NOT NULL`;
    return new Map(rows.map((row) => [row.id, row.verdict]));
  }

  /** Locks the subjects until the transaction ends, then reads their state. */
  async lockAndLoad(subjects: readonly string[]): Promise<Map<string, unknown>> {
    if (subjects.length === 0) return new Map();
    // One lock per hash bucket, not per subject: a batch touches thousands of subjects, and
    // Postgres's lock table holds only max_locks_per_transaction × connections entries. Two
    // subjects in one bucket merely take turns. The two-key form keeps Warden's locks apart
    // from single-key advisory locks (Prisma Migrate's).
    await this.tx.$queryRaw`
      SELECT pg_advisory_xact_lock(${SUBJECT_LOCK_SPACE}::int, bucket)::text FROM (
        SELECT DISTINCT (hashtext(s) & ${SUBJECT_LOCK_BUCKETS - 1}) AS bucket FROM unnest(${subjects}::text[]) AS s ORDER BY 1
      ) AS ordered`;
    const rows = await this.tx.$queryRaw<Array<{ subject: string; state: unknown }>>`
      SELECT subject, state FROM subject_states WHERE subject = ANY(${subjects}::text[])`;
    return new Map(rows.map((row) => [row.subject, row.state]));
  }

  async saveStates(rows: readonly SubjectStateRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.$executeRaw`
      INSERT INTO subject_states (subject, state, prunable_after, updated_at)
      SELECT s, st, p, now() FROM unnest(
        ${rows.map((row) => row.subject)}::text[],
        ${rows.map((row) => JSON.stringify(row.state))}::jsonb[],
        ${rows.map((row) => row.prunableAfter)}::timestamptz[]) AS t(s, st, p)
      ON CONFLICT (subject) DO UPDATE SET state = EXCLUDED.state, prunable_after = EXCLUDED.prunable_after, updated_at = now()`;
  }

  async saveBans(rows: readonly BanRow[]): Promise<void> {
    if (rows.length === 0) return;
    // A subject may change twice in one batch: the last change is the one that stands.
    const latest = [...new Map(rows.map((row) => [row.subject, row])).values()];
    await this.tx.$executeRaw`
      INSERT INTO bans (subject, scope, rule, level, since, until, visible, status, policy_version, attempt_ids, updated_at)
      SELECT subject, scope, rule, level, since, until, visible, status, policy_version, ARRAY(SELECT jsonb_array_elements_text(ids)::uuid), now()
      FROM unnest(
        ${latest.map((row) => row.subject)}::text[], ${latest.map((row) => row.scope)}::text[],
        ${latest.map((row) => row.rule)}::text[], ${latest.map((row) => row.level)}::int[],
        ${latest.map((row) => row.since)}::timestamptz[], ${latest.map((row) => row.until)}::timestamptz[],
        ${latest.map((row) => row.visible)}::boolean[], ${latest.map((row) => row.status)}::text[],
        ${latest.map((row) => row.policyVersion)}::text[], ${latest.map((row) => JSON.stringify(row.attemptIds))}::jsonb[]
      ) AS t(subject, scope, rule, level, since, until, visible, status, policy_version, ids)
      ON CONFLICT (subject) DO UPDATE SET scope = EXCLUDED.scope, rule = EXCLUDED.rule, level = EXCLUDED.level,
        since = EXCLUDED.since, until = EXCLUDED.until, visible = EXCLUDED.visible, status = EXCLUDED.status,
        policy_version = EXCLUDED.policy_version, attempt_ids = EXCLUDED.attempt_ids, updated_at = now()`;
  }

  async saveBanEvents(rows: readonly BanEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx.$executeRaw`
      INSERT INTO ban_events (subject, type, rule, level, since, until, policy_version, attempt_ids, actor, reason, at)
      SELECT subject, type, rule, level, since, until, policy_version, ARRAY(SELECT jsonb_array_elements_text(ids)::uuid), actor, reason, at
      FROM unnest(
        ${rows.map((row) => row.subject)}::text[], ${rows.map((row) => row.type)}::text[],
        ${rows.map((row) => row.rule)}::text[], ${rows.map((row) => row.level)}::int[],
        ${rows.map((row) => row.since)}::timestamptz[], ${rows.map((row) => row.until)}::timestamptz[],
        ${rows.map((row) => row.policyVersion)}::text[], ${rows.map((row) => JSON.stringify(row.attemptIds))}::jsonb[],
        ${rows.map((row) => row.actor)}::text[], ${rows.map((row) => row.reason)}::text[], ${rows.map((row) => row.at)}::timestamptz[]
      ) AS t(subject, type, rule, level, since, until, policy_version, ids, actor, reason, at)`;
  }

  /** Ends the active bans of these subjects (a manual unban); returns the bans it ended. */
  async liftBans(subjects: readonly string[], at: Date): Promise<BanRow[]> {
    if (subjects.length === 0) return [];
    return this.tx.$queryRaw<BanRow[]>`
      UPDATE bans SET status = 'lifted', until = ${at}, updated_at = now()
      WHERE subject = ANY(${subjects}::text[]) AND status = 'active'
      RETURNING ${BAN_COLUMNS}`;
  }

  /**
   * Marks up to `limit` bans whose time is over as expired and returns them. Rows another
   * transaction holds (an engine escalating that very ban) are skipped and seen next time.
   */
  async expireDueBans(now: Date, limit: number): Promise<BanRow[]> {
    return this.tx.$queryRaw<BanRow[]>`
      UPDATE bans SET status = 'expired', updated_at = now()
      WHERE subject IN (
        SELECT subject FROM bans WHERE status = 'active' AND until <= ${now}
        ORDER BY until LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING ${BAN_COLUMNS}`;
  }

  /** Keeps the verdicts a ban applied to, so that the same attempt sent again gets the same answer. */
  async saveVerdicts(verdicts: ReadonlyArray<{ attemptId: string; verdict: unknown }>): Promise<void> {
    if (verdicts.length === 0) return;
    await this.tx.$executeRaw`
      UPDATE login_attempts AS a SET verdict = v.verdict
      FROM unnest(${verdicts.map((row) => row.attemptId)}::uuid[], ${verdicts.map((row) => JSON.stringify(row.verdict))}::jsonb[]) AS v(id, verdict)
      WHERE a.id = v.id`;
  }
}

/**
 * Deletes, in chunks, the attempts received before `attemptsBefore` (a replay can no longer bring
 * them back) and the subject states that hold nothing the policy still needs. Returns the counts.
 */
export async function pruneEngineTables(
  database: Database,
  attemptsBefore: Date,
  now: Date,
  chunk = 10_000,
): Promise<{ attempts: number; states: number }> {
  let attempts = 0;
  let states = 0;
  for (;;) {
    const deleted = await database.prisma.$executeRaw`
      DELETE FROM login_attempts WHERE id IN (SELECT id FROM login_attempts WHERE received_at < ${attemptsBefore} LIMIT ${chunk})`;
    attempts += deleted;
    if (deleted < chunk) break;
  }
  for (;;) {
    // A row a batch is rewriting is locked; DELETE then sees its new prunable_after and keeps it.
    const deleted = await database.prisma.$executeRaw`
      DELETE FROM subject_states WHERE subject IN (SELECT subject FROM subject_states WHERE prunable_after < ${now} LIMIT ${chunk})`;
    states += deleted;
    if (deleted < chunk) break;
  }
  return { attempts, states };
}

/** Runs `work` in one transaction; a throw rolls everything back. */
export function inBanEngineTransaction<T>(database: Database, work: (tx: BanEngineTransaction) => Promise<T>): Promise<T> {
  return database.prisma.$transaction((tx) => work(new BanEngineTransaction(tx)), { maxWait: 10_000, timeout: 60_000 });
}
