import { Inject, Injectable } from '@nestjs/common';
import type { BanExplanation } from '#warden/contracts';
import { ProblemError, problem } from '#warden/http-kit';
import { BansRepository } from '#warden/persistence';

/**
 * `GET /v1/bans/{subject}/explain`: the ban the engine keeps for a subject (rule, policy version,
 * level, the attempts behind it) and its history from `ban_events`, oldest first. Read only: the
 * engine is the single writer of these tables.
 */
@Injectable()
export class ExplainBanService {
  constructor(@Inject(BansRepository) private readonly bans: BansRepository) {}

  async explain(subject: string): Promise<BanExplanation> {
    const found = await this.bans.withHistory(subject);
    if (!found) throw new ProblemError(problem(404, 'ban_not_found', `No ban of ${subject} has been recorded.`));
    const { ban, history } = found;
    return {
      subject: ban.subject,
      scope: ban.scope,
      status: ban.status,
      rule: ban.rule,
      policyVersion: ban.policyVersion,
      level: ban.level,
      since: ban.since.toISOString(),
      until: ban.until.toISOString(),
      visible: ban.visible,
      attemptIds: [...ban.attemptIds],
      history: history.map((event) => ({
        type: event.type,
        rule: event.rule,
        level: event.level,
        since: event.since.toISOString(),
        until: event.until.toISOString(),
        policyVersion: event.policyVersion,
        attemptIds: [...event.attemptIds],
        actor: event.actor,
        reason: event.reason,
        at: event.at.toISOString(),
      })),
    };
  }
}
