import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Printable ASCII without spaces, at most 128: safe to echo in a header and to log. */
const CALLER_ID = /^[\x21-\x7e]{1,128}$/;
/** W3C Trace Context `traceparent`: version-traceid-parentid-flags; an all-zero trace id is invalid. */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The id a request is known by in the access log and in the `X-Request-Id` it is answered with:
 * the caller's `X-Request-Id` when it is a sane token, else the trace id of its `traceparent`
 * (so a line joins the caller's trace), else a new UUID.
 */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  if (typeof given === 'string' && CALLER_ID.test(given)) return given;
  const trace = typeof headers.traceparent === 'string' ? TRACEPARENT.exec(headers.traceparent)?.[1] : undefined;
  if (trace !== undefined && !/^0+$/.test(trace)) return trace;
  return randomUUID();
}
