import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { knownRoutesOf } from './known-routes.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, problem, type Problem } from './problem.js';
import { afterUnreadBody } from './unread-body.js';

/** Fastify's own errors (body parsing, limits) that a client caused, as problems. */
const FASTIFY_PROBLEMS: Record<string, Problem> = {
  FST_ERR_CTP_BODY_TOO_LARGE: problem(413, 'body_too_large', 'The request body is larger than this server accepts.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: problem(415, 'unsupported_media_type', 'A request body must be sent as Content-Type: application/json.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: problem(400, 'invalid_json', 'The body is empty; it must be a JSON value.'),
  FST_ERR_CTP_INVALID_JSON_BODY: problem(400, 'invalid_json', 'The body is not valid JSON.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: problem(400, 'invalid_content_length', 'Content-Length does not match the body.'),
};

function fastifyCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Nest wraps Fastify's client errors in an HttpException whose cause is the original. */
function fastifyError(error: unknown): unknown {
  return error instanceof HttpException && error.cause !== undefined ? error.cause : error;
}

/**
 * Turns every error into an RFC 9457 problem: our own {@link ProblemError}s, Nest's HTTP
 * exceptions (404, 405…), Fastify's parsing errors, and anything else as a 500 that shows no
 * internals (the error itself is logged).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { body, headers } = this.methodNotAllowed(error, reply) ?? this.toProblem(error);
    // A body still arriving (a 413 or 415 before it was read) is read to its end first, so the close is clean.
    afterUnreadBody(reply.request.raw, () => void reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body));
  }

  /** A 404 for a path that is served, only with other methods: 405 with `Allow`. */
  private methodNotAllowed(error: unknown, reply: FastifyReply): { body: Problem; headers: Record<string, string> } | undefined {
    if (!(error instanceof HttpException) || error.getStatus() !== 404) return undefined;
    const { method, url } = reply.request;
    const allowed = knownRoutesOf(reply.server)?.allowedMethods(url.split('?')[0]!) ?? [];
    if (allowed.length === 0 || allowed.includes(method)) return undefined;
    return {
      body: problem(405, 'method_not_allowed', `${method} is not allowed on this path; use ${allowed.join(', ')}.`),
      headers: { Allow: allowed.join(', ') },
    };
  }

  private toProblem(error: unknown): { body: Problem; headers: Record<string, string> } {
    if (error instanceof ProblemError) return { body: error.problem, headers: { ...error.headers } };
    const code = fastifyCode(fastifyError(error));
    const fastifyProblem = code ? FASTIFY_PROBLEMS[code] : undefined;
    if (fastifyProblem) return { body: fastifyProblem, headers: {} };
    if (error instanceof SyntaxError) return { body: problem(400, 'invalid_json', 'The body is not valid JSON.'), headers: {} };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 404) return { body: problem(404, 'not_found', 'No such resource.'), headers: {} };
      if (status === 405) return { body: problem(405, 'method_not_allowed', 'This method is not allowed here.'), headers: {} };
      if (status < 500) return { body: problem(status, 'http_error', error.message), headers: {} };
    }
    this.logger.error({ msg: 'request failed', err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
    return { body: problem(500, 'internal_error', 'Something went wrong on our side; it has been logged.'), headers: {} };
  }
}
