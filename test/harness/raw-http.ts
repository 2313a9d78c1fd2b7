import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Everything after the head, until the server closed. */
  readonly body: string;
  /** A socket error seen while sending or reading (e.g. ECONNRESET), if any. */
  readonly error?: string;
}

/**
 * Sends bytes over a plain TCP connection and reads until the server closes it, for what `fetch`
 * cannot send or will not show (an unknown method, oversized headers, a body on a HEAD answer, a
 * reset). `parts` are written in order, each after the previous one drained.
 */
export function rawHttp(url: string, parts: ReadonlyArray<string | Buffer>, timeoutMs = 20_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close from ${url} within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString('latin1').slice(0, 300)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: end < 0 ? '' : text.slice(end + 4), ...(error ? { error } : {}) });
    });
    socket.once('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        if (!socket.write(part)) await new Promise((done) => (socket.once('drain', done), socket.once('close', done)));
      }
    });
  });
}
