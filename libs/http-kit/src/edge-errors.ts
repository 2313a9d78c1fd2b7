import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writeProblem } from './fast-routes.js';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from './problem.js';

/**
 * The longest `{subject}` path parameter the router takes (Fastify's `maxParamLength`, 100 by
 * default: a longer subject got a 414 and its ban could be neither explained nor lifted). A subject
 * is at most 1,024 characters (the `subject` column, VarChar(1024), see prisma/schema.prisma); the
 * router counts UTF-16 units after decoding, up to 2 per character, and a subject is normalized
 * (trimmed, case-folded) after it: this leaves room for both. Too long a subject is then a 400 of
 * the subject check, and only a parameter beyond this a 414.
 */
export const MAX_PATH_PARAM_LENGTH = 4 * 1024;

const NUL_IN_URL = problem(400, 'invalid_url', 'The URL contains a NUL character (%00), which no Warden parameter may hold.', [
  { field: 'url', message: 'must not contain %00' },
]);

/**
 * Refuses a URL with a NUL (`%00`) in its path or query before any route sees it: no Warden
 * parameter may hold one, and Postgres refuses it in text (a 500 where it reached a query). NUL
 * has no other encoding a decoder accepts, so the raw URL tells. True when it answered.
 */
export function refuseNulInUrl(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.url === undefined || !request.url.includes('%00')) return false;
  writeProblem(response, NUL_IN_URL);
  return true;
}

const ROUTER_PROBLEMS: Record<string, Problem> = {
  // Never echoes the URL: it is the client's text, and may be anything.
  FST_ERR_BAD_URL: problem(400, 'invalid_url', 'The path is not validly percent-encoded (RFC 3986).', [
    { field: 'url', message: 'is not validly percent-encoded' },
  ]),
  FST_ERR_MAX_PARAM_LENGTH: problem(414, 'uri_too_long', `A path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters.`),
};

/** Fastify's `frameworkErrors`: what its router refuses before any hook (bad encoding, too long a parameter), as problems. */
export function answerRouterError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const body = ROUTER_PROBLEMS[error.code ?? ''] ?? problem(400, 'invalid_url', 'The URL cannot be routed.');
  void reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** What Node's HTTP parser refuses (no request object exists yet), by its error code. */
function parserProblem(code: string | undefined): Problem {
  switch (code) {
    case 'HPE_INVALID_METHOD':
      return problem(501, 'method_not_implemented', 'The request method is not one this server implements; Warden uses GET, HEAD, POST and DELETE.');
    case 'HPE_HEADER_OVERFLOW':
      return problem(431, 'headers_too_large', 'The request headers are larger than this server accepts.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'request_timeout', 'The request did not arrive in time.');
    default:
      return problem(400, 'bad_request', 'The request is not valid HTTP/1.1.');
  }
}

/**
 * The method of a request Node's parser refused, from the bytes it was parsing; undefined when
 * they do not start with a request line (the headers came in several reads).
 */
function methodOf(packet: unknown): string | undefined {
  return !Buffer.isBuffer(packet) ? undefined : /^([A-Z]{1,16}) /.exec(packet.subarray(0, 17).toString('latin1'))?.[1];
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refused (an unknown method, too large
 * headers, bad syntax, a timeout) answered as a problem, then the connection closed. A HEAD is
 * answered without the body; so is a request whose method is unknown here, since a body after a
 * HEAD would be read as the next response.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body = parserProblem(error.code);
  const method = methodOf(error.rawPacket);
  const text = JSON.stringify(body);
  const head =
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n`;
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(method === undefined || method === 'HEAD' ? head : head + text);
}
