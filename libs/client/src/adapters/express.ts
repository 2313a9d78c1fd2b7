import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoginGate, refusalOf, type LoginGateOptions } from '../login-gate.js';

/**
 * An Express (or Connect) middleware: 429 with Retry-After or 401 for a banned caller, `next()`
 * for the others (their decision: `gateDecisionOf(req)`). Mount it on the login routes, after the
 * body parser when `credentialsOf` reads the body.
 */
export function wardenExpress<Request extends IncomingMessage>(
  options: LoginGateOptions<Request>,
): (req: Request, res: ServerResponse, next: (error?: unknown) => void) => void {
  const gate = new LoginGate(options);
  return (req, res, next) => {
    gate.decide(req, req.socket.remoteAddress, req.headers).then(({ result }) => {
      const refusal = refusalOf(result);
      if (!refusal) return next();
      res.writeHead(refusal.status, refusal.headers);
      res.end(JSON.stringify(refusal.body));
    }, next);
  };
}
