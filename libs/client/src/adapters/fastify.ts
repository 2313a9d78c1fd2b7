import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { LoginGate, refusalOf, type LoginGateOptions } from '../login-gate.js';

/**
 * A Fastify `preHandler` that answers 429 with Retry-After or 401 for a banned caller, and lets the
 * others through (their decision: `gateDecisionOf(request)`). Put it on the login routes:
 * `app.post('/login', { preHandler: wardenPreHandler({ client }) }, handler)`.
 */
export function wardenPreHandler(options: LoginGateOptions<FastifyRequest>): preHandlerAsyncHookHandler {
  const gate = new LoginGate(options);
  return async function wardenCheck(request: FastifyRequest, reply: FastifyReply) {
    const { result } = await gate.decide(request, request.raw.socket.remoteAddress, request.headers);
    const refusal = refusalOf(result);
    if (refusal) await reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
  };
}

/**
 * The same as a plugin: every route of the context it is registered in is checked
 * (`app.register(wardenFastifyPlugin, { client })`; register it in a scope of the login routes).
 */
export function wardenFastifyPlugin(fastify: FastifyInstance, options: LoginGateOptions<FastifyRequest>, done: (error?: Error) => void): void {
  fastify.addHook('preHandler', wardenPreHandler(options));
  done();
}
// As fastify-plugin does: the hook applies to the context that registers the plugin, not only inside it.
(wardenFastifyPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
