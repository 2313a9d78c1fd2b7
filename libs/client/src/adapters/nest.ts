import type { IncomingMessage } from 'node:http';
import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { LoginGate, refusalOf, type LoginGateOptions } from '../login-gate.js';

/** The injection token of the guard's options: `{ provide: WARDEN_GATE_OPTIONS, useValue: { client, trustedProxies } }`. */
export const WARDEN_GATE_OPTIONS = Symbol('WARDEN_GATE_OPTIONS');

/** A request of either Nest platform: Express's is the Node request, Fastify's carries it as `raw`. */
type PlatformRequest = IncomingMessage | { readonly raw: IncomingMessage };

/**
 * A Nest guard (`@UseGuards(WardenGuard)` on the login handler): a banned caller gets 429 with
 * Retry-After or 401, with the same problem body as the other adapters. Works on the Fastify and
 * the Express platform. The only file of the library that needs Nest.
 */
@Injectable()
export class WardenGuard implements CanActivate {
  private readonly gate: LoginGate<object>;

  constructor(@Inject(WARDEN_GATE_OPTIONS) options: LoginGateOptions<object>) {
    this.gate = new LoginGate(options);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<PlatformRequest>();
    const raw = 'raw' in request ? request.raw : request;
    const { result } = await this.gate.decide(request, raw.socket.remoteAddress, raw.headers);
    const refusal = refusalOf(result);
    if (!refusal) return true;
    const response = http.getResponse<{ header?: (name: string, value: string) => unknown; setHeader?: (name: string, value: string) => unknown }>();
    // The content type too: Express's res.json and Fastify keep a JSON type already set, so the body is problem+json as elsewhere.
    for (const [name, value] of Object.entries(refusal.headers)) {
      if (response.header) response.header(name, value);
      else response.setHeader?.(name, value);
    }
    throw new HttpException(refusal.body, refusal.status);
  }
}
