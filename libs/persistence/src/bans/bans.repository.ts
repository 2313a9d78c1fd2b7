import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Transaction } from '../transaction.js';

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

/** A ban with its history, oldest change first. */
export interface BanWithHistory {
  readonly ban: BanRow;
  readonly history: readonly BanEventRow[];
}

const BAN_COLUMNS = Prisma.sql`subject, scope, rule, level, since, until, visible, status,
  policy_version AS "policyVersion", attempt_ids::text[] AS "attemptIds"`;

/** Where a ban stands, as the list filters it: `expired` includes bans past their end the engine has not expired yet. */
export type BanListState = 'active' | 'lifted' | 'expired';

export interface BanListFilter {
  readonly state: BanListState;
  readonly scope?: string;
  readonly rule?: string;
  /** A substring of the subject. */
  readonly subjectContains?: string;
}

/** A place in the list, newest first: the bans after it are older (by `since`, then subject). */
export interface BanListPosition {
  readonly since: Date;
  readonly subject: string;
}

/** A ban as the list shows it: its state as of now, and who lifted or imposed it by hand. */
export interface ListedBan extends Omit<BanRow, 'status' | 'attemptIds'> {
  readonly state: BanListState;
  readonly actor: string | null;
}

const STATE_CONDITIONS: Record<BanListState, string> = {
  active: "status = 'active' AND until > $1",
  lifted: "status = 'lifted'",
  // The engine expires bans by stream time, so a ban may sit `active` past its end for a while.
  expired: "(status = 'expired' OR (status = 'active' AND until <= $1))",
};

/**
 * The `bans` table family: `bans` (each subject's latest ban) and `ban_events` (every change). The
 * ban engine is the single writer; the security team's reads and the embedded mode's start read.
 */
@Injectable()
export class BansRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /**
   * Up to `limit` bans in `filter`'s state, newest first, after `after`. The order is a key of the
   * row (since, subject), so paging neither repeats nor skips a ban that did not change meanwhile;
   * a ban escalated meanwhile moves before the pages already read.
   */
  async newestFirst(filter: BanListFilter, now: Date, limit: number, after?: BanListPosition): Promise<ListedBan[]> {
    const params: unknown[] = [now];
    const conditions = [STATE_CONDITIONS[filter.state]];
    const add = (condition: (n: number) => string, ...values: unknown[]) => {
      conditions.push(condition(params.length + 1));
      params.push(...values);
    };
    if (filter.scope !== undefined) add((n) => `scope = $${n}`, filter.scope);
    if (filter.rule !== undefined) add((n) => `rule = $${n}`, filter.rule);
    if (filter.subjectContains !== undefined) add((n) => `strpos(subject, $${n}) > 0`, filter.subjectContains);
    if (after !== undefined) add((n) => `(since, subject) < ($${n}, $${n + 1})`, after.since, after.subject);
    // `manual` is the rule of bans made by hand (ban-policy's MANUAL_RULE, which persistence does not import).
    const { rows } = await this.database.pool.query<ListedBan>(
      `SELECT subject, scope, rule, level, since, until, visible, policy_version AS "policyVersion",
         CASE WHEN ${STATE_CONDITIONS.active} THEN 'active' WHEN status = 'lifted' THEN 'lifted' ELSE 'expired' END AS state,
         CASE
           WHEN status = 'lifted' THEN (SELECT actor FROM ban_events e WHERE e.subject = b.subject AND e.type = 'manual_unban' ORDER BY e.id DESC LIMIT 1)
           WHEN rule = 'manual' THEN (SELECT actor FROM ban_events e WHERE e.subject = b.subject AND e.type = 'manual_ban' ORDER BY e.id DESC LIMIT 1)
         END AS actor
       FROM bans b WHERE ${conditions.join(' AND ')}
       ORDER BY since DESC, subject DESC LIMIT ${Number(limit)}`,
      params,
    );
    return rows;
  }

  /** The bans still in force at `now`, oldest first. */
  async activeAt(now: Date): Promise<BanRow[]> {
    return this.database.prisma.$queryRaw<BanRow[]>`
      SELECT ${BAN_COLUMNS} FROM bans WHERE status = 'active' AND until > ${now} ORDER BY since`;
  }

  /** A subject's ban and its history, or undefined when it was never banned. */
  async withHistory(subject: string): Promise<BanWithHistory | undefined> {
    const { prisma } = this.database;
    const [ban, history] = await Promise.all([
      prisma.ban.findUnique({ where: { subject } }),
      prisma.banEvent.findMany({ where: { subject }, orderBy: { id: 'asc' } }),
    ]);
    if (!ban) return undefined;
    return { ban: { ...ban, status: ban.status as BanRow['status'] }, history };
  }

  async save(tx: Transaction, rows: readonly BanRow[]): Promise<void> {
    if (rows.length === 0) return;
    // A subject may change twice in one batch: the last change is the one that stands.
    const latest = [...new Map(rows.map((row) => [row.subject, row])).values()];
    await tx.query(Prisma.sql`
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
        policy_version = EXCLUDED.policy_version, attempt_ids = EXCLUDED.attempt_ids, updated_at = now()`);
  }

  async saveEvents(tx: Transaction, rows: readonly BanEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(Prisma.sql`
      INSERT INTO ban_events (subject, type, rule, level, since, until, policy_version, attempt_ids, actor, reason, at)
      SELECT subject, type, rule, level, since, until, policy_version, ARRAY(SELECT jsonb_array_elements_text(ids)::uuid), actor, reason, at
      FROM unnest(
        ${rows.map((row) => row.subject)}::text[], ${rows.map((row) => row.type)}::text[],
        ${rows.map((row) => row.rule)}::text[], ${rows.map((row) => row.level)}::int[],
        ${rows.map((row) => row.since)}::timestamptz[], ${rows.map((row) => row.until)}::timestamptz[],
        ${rows.map((row) => row.policyVersion)}::text[], ${rows.map((row) => JSON.stringify(row.attemptIds))}::jsonb[],
        ${rows.map((row) => row.actor)}::text[], ${rows.map((row) => row.reason)}::text[], ${rows.map((row) => row.at)}::timestamptz[]
      ) AS t(subject, type, rule, level, since, until, policy_version, ids, actor, reason, at)`);
  }

  /** Ends the active bans of these subjects (a manual unban); returns the bans it ended. */
  async lift(tx: Transaction, subjects: readonly string[], at: Date): Promise<BanRow[]> {
    if (subjects.length === 0) return [];
    return tx.query<BanRow>(Prisma.sql`
      UPDATE bans SET status = 'lifted', until = ${at}, updated_at = now()
      WHERE subject = ANY(${subjects}::text[]) AND status = 'active'
      RETURNING ${BAN_COLUMNS}`);
  }

  /** Marks these bans expired, each if it is still the subject's ban (the same end) and in force. */
  async markExpired(tx: Transaction, ended: ReadonlyArray<{ readonly subject: string; readonly until: Date }>): Promise<void> {
    if (ended.length === 0) return;
    await tx.query(Prisma.sql`
      UPDATE bans AS b SET status = 'expired', updated_at = now()
      FROM unnest(${ended.map((ban) => ban.subject)}::text[], ${ended.map((ban) => ban.until)}::timestamptz[]) AS e(subject, until)
      WHERE b.subject = e.subject AND b.until = e.until AND b.status = 'active'`);
  }
}
