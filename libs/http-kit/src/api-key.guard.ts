import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { ApiKey, Scope } from '#warden/contracts';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import type { ClientAddress } from './client-address.js';
import { ProblemError } from './problem.js';
import { REQUIRED_SCOPE } from './require-scope.decorator.js';

export interface AuthenticatedRequest extends FastifyRequest {
  apiKey?: ApiKey;
  /** Who is calling (peer, or the client a trusted proxy named), resolved once by the guard. */
  client?: ClientAddress;
}

/** Endpoints with a {@link RequireScope} need an API key holding it (see {@link ApiKeyAuthenticator}). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const result = this.authenticator.authenticate(request.socket.remoteAddress, request.headers, scope, Date.now());
    if (!result.ok) throw new ProblemError(result.problem, result.headers);
    request.apiKey = result.apiKey;
    request.client = result.client;
    return true;
  }
}
