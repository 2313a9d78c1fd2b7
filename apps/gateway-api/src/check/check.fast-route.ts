import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ApiKeyAuthenticator, FastRoutes, writeProblem } from '#warden/http-kit';
import { CheckService } from './check.service.js';

/**
 * `GET /v1/check` (and HEAD), answered on the HTTP server before Fastify and Nest (see FastRoutes):
 * the same API-key authentication as every endpoint (scope `status:read`), then the check.
 */
@Injectable()
export class CheckFastRoute implements OnModuleInit {
  constructor(
    @Inject(FastRoutes) private readonly routes: FastRoutes,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
    @Inject(CheckService) private readonly check: CheckService,
  ) {}

  onModuleInit(): void {
    this.routes.register('/v1/check', (request, response, query) => this.handle(request, response, query));
  }

  private handle(request: IncomingMessage, response: ServerResponse, query: string): void {
    const auth = this.authenticator.authenticate(request.socket.remoteAddress, request.headers, 'status:read', Date.now());
    if (!auth.ok) return writeProblem(response, auth.problem, auth.headers);
    this.check.answer(parse(query), auth.client, response);
  }
}
