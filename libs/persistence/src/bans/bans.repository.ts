import { Inject, Injectable } from '@nestjs/common';
import type { BanRow } from '../ban-engine.transaction.js';
import { Database } from '../database.js';

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
 * The `bans` table family (`bans`, `ban_events`) as the security team reads it. The ban engine is
 * the single writer (BanEngineTransaction); this reads only.
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
}
