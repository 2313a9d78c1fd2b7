import type { IncomingMessage } from 'node:http';

/** Bytes of a refused body read and dropped before the answer, at most (a proxy's limit is usually 1–100 MB). */
export const MAX_DRAINED_BODY_BYTES = 64 * 1024 * 1024;
/** How long the rest of a refused body may take to arrive (nginx's `lingering_time` is 30 s too). */
const MAX_DRAIN_MS = 30_000;

/**
 * Calls `answer` once the request's body has been read to its end and dropped. An error answered
 * while the body is still arriving (a 413 on its Content-Length, a 415) and followed by a close
 * resets the connection with unread bytes in it: nginx, still sending, reports 502, and a direct
 * client may see ECONNRESET instead of the problem. Reading the rest first makes the close clean.
 * Bounded: beyond {@link MAX_DRAINED_BODY_BYTES} or {@link MAX_DRAIN_MS} it answers anyway (and the
 * close may then reset), so a refused body costs at most that much reading, never memory.
 */
export function afterUnreadBody(request: IncomingMessage, answer: () => void): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (request.complete || request.destroyed || declared > MAX_DRAINED_BODY_BYTES) return answer();
  let drained = 0;
  const finish = () => {
    clearTimeout(timer);
    request.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
    answer();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAINED_BODY_BYTES) finish();
  };
  const timer = setTimeout(finish, MAX_DRAIN_MS);
  request.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
  request.resume();
}
