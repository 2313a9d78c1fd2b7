import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { BanStatus } from '#warden/ban-policy';
import { ProblemError, RequireScope, type AuthenticatedRequest } from '#warden/http-kit';
import { invalidQueryProblem, parseBanQuery } from '../ban-lookup/ban-query.js';
import { banHeaders } from '../ban-lookup/ban-headers.js';
import { BanLookupService } from '../ban-lookup/ban-lookup.service.js';

/** DESIGN §5 status body: epoch milliseconds become ISO-8601. */
function statusBody(status: BanStatus) {
  return {
    banned: status.banned,
    retryAfter: status.retryAfter,
    until: status.until === null ? null : new Date(status.until).toISOString(),
    bans: status.bans.map((ban) => ({ ...ban, until: new Date(ban.until).toISOString() })),
  };
}

/** `GET /v1/status?ip=&account=&credentialFingerprint=`: every active ban that applies, from memory. */
@Controller('v1/status')
export class StatusHttpController {
  constructor(@Inject(BanLookupService) private readonly lookup: BanLookupService) {}

  @Get()
  @RequireScope('status:read')
  status(@Query() params: Record<string, unknown>, @Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): void {
    const parsed = parseBanQuery(params, { strict: true, ipRequired: true });
    if (!parsed.ok) {
      throw new ProblemError(invalidQueryProblem(parsed.errors));
    }
    const status = this.lookup.statusOf(parsed.query, request.client, Date.now());
    void reply.code(200).headers(banHeaders(status)).send(statusBody(status));
  }
}
