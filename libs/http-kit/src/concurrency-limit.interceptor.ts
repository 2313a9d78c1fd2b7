import { applyDecorators, Inject, Injectable, SetMetadata, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { finalize, throwError, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from './api-key.guard.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { ProblemError, problem } from './problem.js';
import { rateLimitField, rateLimitPolicyField, throttledHeaders, type RateLimitPolicy } from './rate-limit-headers.js';

const CONCURRENCY_FAMILY = 'warden:concurrency-family';

/**
 * Holds a slot of the caller's API key on `family` for the whole request, body streamed included
 * (see {@link ConcurrencyLimiter}; `WARDEN_HEAVY_REQUESTS_PER_KEY`). Put it beside a
 * {@link RequireScope}: the key is known once the guard has run.
 */
export const LimitConcurrency = (family: string) =>
  applyDecorators(SetMetadata(CONCURRENCY_FAMILY, family), UseInterceptors(ConcurrencyLimitInterceptor));

/**
 * A request over the limit is a 429 problem with `Retry-After` and the rate-limit fields (DESIGN
 * §5); one within it carries `RateLimit-Policy` (the published quota, in concurrent requests) and
 * `RateLimit` (slots left while it runs). The slot is given back once the handler is done and the
 * response is closed, whichever comes last: a client that hangs up does not end a verify that
 * still reads the log.
 */
@Injectable()
export class ConcurrencyLimitInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ConcurrencyLimiter) private readonly limiter: ConcurrencyLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const family = this.reflector.get<string>(CONCURRENCY_FAMILY, context.getHandler());
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const policy: RateLimitPolicy = { policy: family, quota: this.limiter.perKey, unit: 'concurrent-requests' };
    const slot = this.limiter.acquire(family, request.apiKey?.name ?? '', Date.now());
    if (!slot.ok) {
      const detail = `This API key already has ${this.limiter.perKey} ${family} request${this.limiter.perKey === 1 ? '' : 's'} in progress; retry in ${slot.retryAfter} s.`;
      return throwError(() => new ProblemError(problem(429, 'too_many_concurrent_requests', detail), throttledHeaders(family, slot.retryAfter, policy)));
    }
    void reply.header('RateLimit-Policy', rateLimitPolicyField(policy)).header('RateLimit', rateLimitField({ policy: family, remaining: slot.remaining }));
    let handled = false;
    let closed = reply.raw.destroyed || request.raw.socket.destroyed;
    const releaseWhenDone = () => handled && closed && slot.release(Date.now());
    reply.raw.once('close', () => {
      closed = true;
      releaseWhenDone();
    });
    return next.handle().pipe(
      finalize(() => {
        handled = true;
        releaseWhenDone();
      }),
    );
  }
}
