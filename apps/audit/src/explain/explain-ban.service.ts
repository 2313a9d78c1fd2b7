import { Inject, Injectable } from '@nestjs/common';
import type { BanExplanation } from '#warden/contracts';
import { ProblemError, problem } from '#warden/http-kit';
import { Database } from '#warden/persistence';

/**
 * `GET /v1/bans/{subject}/explain`: the ban the engine keeps for a subject (rule, policy version,
 * level, the attempts behind it) and its history from `ban_events`, oldest first. Read only: the
 * engine is the single writer of these tables.
 */
@Injectable()
export class ExplainBanService {
  constructor(@Inject(Database) private readonly database: Database) {}

  async explain(subject: string): Promise<BanExplanation> {
    const { prisma } = this.database;
    const [ban, history] = await Promise.all([
      prisma.ban.findUnique({ where: { subject } }),
      prisma.banEvent.findMany({ where: { subject }, orderBy: { id: 'asc' } }),
    ]);
    if (!ban) throw new ProblemError(problem(404, 'ban_not_found', `No ban of ${subject} has been recorded.`));
    return {
      subject: ban.subject,
      scope: ban.scope,
      status: ban.status as BanExplanation['status'],
      rule: ban.rule,
      policyVersion: ban.policyVersion,
      level: ban.level,
      since: ban.since.toISOString(),
      until: ban.until.toISOString(),
      visible: ban.visible,
      attemptIds: ban.attemptIds,
      history: history.map((event) => ({
        type: event.type,
        rule: event.rule,
        level: event.level,
        since: event.since.toISOString(),
        until: event.until.toISOString(),
        policyVersion: event.policyVersion,
        attemptIds: event.attemptIds,
        actor: event.actor,
        reason: event.reason,
        at: event.at.toISOString(),
      })),
    };
  }
}
