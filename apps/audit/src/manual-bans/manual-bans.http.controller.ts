import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { manualBanRequestSchema, manualUnbanQuerySchema, type AdminCommandAccepted } from '#warden/contracts';
import { ProblemError, problem, RequireScope, type AuthenticatedRequest } from '#warden/http-kit';
import { parseInput } from '../http/parse-input.js';
import { subjectParam } from '../http/subject-param.js';
import { subjectOfBanRequest } from './ban-subject.js';
import { ManualBansService } from './manual-bans.service.js';

/** The guard has put the key on every request that reaches a scoped handler. */
const actorOf = (request: AuthenticatedRequest) => request.apiKey!.name;

@Controller('v1/bans')
export class ManualBansHttpController {
  constructor(@Inject(ManualBansService) private readonly service: ManualBansService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('bans:write')
  ban(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<AdminCommandAccepted> {
    const ban = parseInput(manualBanRequestSchema, body, 'body');
    const target = subjectOfBanRequest(ban);
    if (!('subject' in target)) throw new ProblemError(problem(400, 'validation_failed', `Invalid body: ${target.field}.`, [target]));
    return this.service.ban(target.subject, ban, actorOf(request));
  }

  @Delete(':subject')
  @HttpCode(202)
  @RequireScope('bans:write')
  unban(@Param('subject') subject: string, @Query() query: unknown, @Req() request: AuthenticatedRequest): Promise<AdminCommandAccepted> {
    const { reason } = parseInput(manualUnbanQuerySchema, query, 'query');
    return this.service.unban(subjectParam(subject), reason, actorOf(request));
  }
}
