import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { WARDEN_CONFIG, type ApiKey, type Scope, type WardenConfig } from '#warden/config';
import { ProblemError, problem } from './problem.js';
import { REQUIRED_SCOPE } from './require-scope.decorator.js';

export interface AuthenticatedRequest extends FastifyRequest {
  apiKey?: ApiKey;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <key>` against `WARDEN_API_KEYS`. Keys are compared as SHA-256 digests
 * with `timingSafeEqual`, against every configured key without stopping at a match, so the time
 * taken says nothing about any key. Keys are never logged.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: ReadonlyArray<{ apiKey: ApiKey; digest: Buffer }>;

  constructor(
    @Inject(WARDEN_CONFIG) config: WardenConfig,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.keys = (config.apiKeys ?? []).map((apiKey) => ({ apiKey, digest: digest(apiKey.key) }));
  }

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const apiKey = this.identify(request.headers.authorization);
    if (!apiKey) {
      throw new ProblemError(problem(401, 'unauthorized', 'A valid API key is required: Authorization: Bearer <key>.'), {
        'WWW-Authenticate': 'Bearer realm="warden"',
      });
    }
    if (!apiKey.scopes.has(scope)) {
      throw new ProblemError(problem(403, 'forbidden', `The API key "${apiKey.name}" lacks the scope ${scope}.`));
    }
    request.apiKey = apiKey;
    return true;
  }

  private identify(header: string | undefined): ApiKey | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: ApiKey | undefined;
    for (const { apiKey, digest: expected } of this.keys) {
      if (timingSafeEqual(presented, expected)) found = apiKey;
    }
    return found;
  }
}
