import { Inject, Injectable } from '@nestjs/common';
import type { BanListQuery, BanPage } from '#warden/contracts';
import { ProblemError, problem } from '#warden/http-kit';
import { BansRepository, type ListedBan } from '#warden/persistence';
import { normalizeSubject } from '#warden/contracts';
import { decodeBanCursor, encodeBanCursor } from './ban-cursor.js';

/** `GET /v1/bans`: the bans in one state, newest first, one page at a time. */
@Injectable()
export class ListBansService {
  constructor(@Inject(BansRepository) private readonly bans: BansRepository) {}

  async list(query: BanListQuery, now = new Date()): Promise<BanPage> {
    const after = query.cursor === undefined ? undefined : decodeBanCursor(query.cursor);
    if (after === null) {
      throw new ProblemError(problem(400, 'validation_failed', 'Invalid query: cursor.', [{ field: 'cursor', message: 'is not a cursor this API gave out' }]));
    }
    // `q` finds a part of a subject; a whole subject (`account:Alice`) is normalized as the engine names it.
    const subjectContains = query.q === undefined ? undefined : (normalizeSubject(query.q) ?? query.q.toLowerCase());
    const filter = { state: query.state, scope: query.scope, rule: query.rule, subjectContains };
    // One more than the page holds says whether there is a next page.
    const rows = await this.bans.newestFirst(filter, now, query.limit + 1, after);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((ban) => listItem(ban, now)),
      nextCursor: rows.length > query.limit && last ? encodeBanCursor(last) : null,
    };
  }
}

function listItem(ban: ListedBan, now: Date): BanPage['items'][number] {
  return {
    subject: ban.subject,
    scope: ban.scope,
    rule: ban.rule,
    level: ban.level,
    since: ban.since.toISOString(),
    until: ban.until.toISOString(),
    // As in a status: whole seconds left, rounded up; nothing left once it is not in force.
    retryAfter: ban.state === 'active' ? Math.max(0, Math.ceil((ban.until.getTime() - now.getTime()) / 1_000)) : 0,
    visible: ban.visible,
    state: ban.state,
    policyVersion: ban.policyVersion,
    actor: ban.actor,
  };
}
