import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import type { JsonLogger } from './json-logger.js';
import { requestIdOf } from './request-id.js';

/** The route label of a request no route matched (404, 405): one value, so the label set stays bounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** From a fast check (tens of µs) to a slow export or a verdict wait (seconds). */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Sees every request of an app, wherever it is answered (a fast route or Fastify): gives it its
 * request id, echoed as `X-Request-Id`; observes its duration in
 * `warden_http_request_duration_seconds{method,route,status}`; and writes its access log line —
 * method, route (the pattern, never the path: a path can hold a subject), status, duration and
 * request id — for the sampled share of requests (`WARDEN_ACCESS_LOG_SAMPLE_RATE`); every 5xx is
 * logged. Routes are patterns and statuses few, so the label sets stay bounded.
 */
export class RequestObserver {
  private readonly log;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  /** The histogram's child per label set: the hot path skips prom-client's label hashing. */
  private readonly children = new Map<string, Histogram.Internal<'method' | 'route' | 'status'>>();

  constructor(
    logger: JsonLogger,
    registry: Registry,
    private readonly sampleRate: number,
  ) {
    this.log = logger.pino.child({ context: 'http' });
    this.durations = new Histogram({
      name: 'warden_http_request_duration_seconds',
      help: 'Time from the request to its answer, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
  }

  /** Observes the requests Fastify answers (every route but the fast ones); Fastify's `request.id` is the request id. */
  attach(instance: FastifyInstance): void {
    instance.addHook('onRequest', (request, reply, done) => {
      // On the Node response itself: a hijacked reply (the decision stream, the forwarded check) writes its own head.
      reply.raw.setHeader('X-Request-Id', request.id);
      done();
    });
    instance.addHook('onResponse', (request, reply, done) => {
      this.end(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime, request.id);
      done();
    });
  }

  /** At the start of a request answered outside Fastify: its id, set on the response. */
  begin(request: IncomingMessage, response: ServerResponse): string {
    const id = requestIdOf(request.headers);
    response.setHeader('X-Request-Id', id);
    return id;
  }

  /** Once it is answered. */
  end(method: string, route: string, status: number, durationMs: number, requestId: string): void {
    const labels = `${method} ${route} ${status}`;
    let child = this.children.get(labels);
    if (child === undefined) {
      child = this.durations.labels({ method, route, status: String(status) });
      this.children.set(labels, child);
    }
    child.observe(durationMs / 1_000);
    if (status < 500 && (this.sampleRate === 0 || (this.sampleRate < 1 && Math.random() >= this.sampleRate))) return;
    this.log.info({ method, route, status, durationMs: Math.round(durationMs * 1000) / 1000, requestId }, 'request');
  }
}
