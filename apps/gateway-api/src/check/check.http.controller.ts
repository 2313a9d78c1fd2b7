import { All, Controller, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireScope, type AuthenticatedRequest } from '#warden/http-kit';
import { CheckService } from './check.service.js';

/**
 * `/v1/check/<any path>` with any method: the check for Envoy's ext_authz, which appends the
 * client's path to its `path_prefix` and keeps the client's method. (`GET /v1/check` itself is the
 * CheckFastRoute.) Unknown query parameters are ignored: they are the client's own.
 */
@Controller('v1/check')
export class CheckHttpController {
  constructor(@Inject(CheckService) private readonly check: CheckService) {}

  @All('*')
  @RequireScope('status:read')
  checkForwardedPath(@Query() params: Record<string, unknown>, @Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    this.check.answer(params, request.client!, reply.raw);
  }
}
