import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { KnownRoutes } from './known-routes.js';
import type { RequestObserver } from '#warden/runtime';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from './problem.js';

/** Answers a request from memory; `query` is the raw query string (without `?`). */
export type FastRouteHandler = (request: IncomingMessage, response: ServerResponse, query: string) => void;

/**
 * GET/HEAD routes answered on Node's HTTP server before Fastify and Nest see the request, for the
 * few endpoints whose whole answer is in memory and whose speed is a product promise (the gateway's
 * check: DESIGN §8). Nest's adapter runs half a dozen hooks and a middleware runner on every
 * request, which halved the throughput of a trivial route. Such a handler does its own
 * authentication (with the ApiKeyAuthenticator) and answers problems with {@link writeProblem};
 * any other method on the path goes on to Fastify (and its 405). A handler answers before it
 * returns (the whole answer is in memory), so its status and duration are known then.
 */
export class FastRoutes {
  private readonly handlers = new Map<string, FastRouteHandler>();
  private readonly logger = new Logger('http');
  private known?: KnownRoutes;

  constructor(private readonly observer?: RequestObserver) {}

  register(path: string, handler: FastRouteHandler): void {
    this.handlers.set(path, handler);
    this.known?.add(path, ['GET', 'HEAD']);
  }

  /** The registered paths (each answers GET and HEAD). */
  paths(): string[] {
    return [...this.handlers.keys()];
  }

  /** Lists the fast paths among the app's routes, so another method on them is a 405. */
  attach(known: KnownRoutes): void {
    this.known = known;
    for (const path of this.handlers.keys()) known.add(path, ['GET', 'HEAD']);
  }

  /** Handles the request when it is a GET or HEAD of a registered path; false to pass it on. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.handlers.size === 0 || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
    const url = request.url ?? '/';
    const mark = url.indexOf('?');
    const handler = this.handlers.get(mark < 0 ? url : url.slice(0, mark));
    if (handler === undefined) return false;
    const started = performance.now();
    const id = this.observer?.begin(request, response);
    try {
      handler(request, response, mark < 0 ? '' : url.slice(mark + 1));
    } catch (error) {
      this.logger.error({ msg: 'request failed', err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
      if (!response.headersSent) writeProblem(response, problem(500, 'internal_error', 'Something went wrong on our side; it has been logged.'));
    }
    if (id !== undefined) this.observer!.end(request.method, mark < 0 ? url : url.slice(0, mark), response.statusCode, performance.now() - started, id);
    return true;
  }
}

/** Writes a problem (RFC 9457) straight to a Node response. */
export function writeProblem(response: ServerResponse, problem: Problem, headers: Readonly<Record<string, string>> = {}): void {
  const body = JSON.stringify(problem);
  response.writeHead(problem.status, { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
