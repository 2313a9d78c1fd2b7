import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

const UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/**
 * Listens on one more address for an app that already listens on its first one, on the same port.
 * Fastify binds one address when given a server factory (its `localhost` double binding is skipped
 * then), so each request of this server is handed to the main server's request listeners: the
 * same fast routes, Fastify handler and connection bookkeeping.
 *
 * Resolves false where the address does not exist on this machine (no IPv6) and `optional` is set.
 */
export function listenAlsoOn(main: Server, host: string, port: number, optional: boolean): Promise<boolean> {
  const extra = createServer();
  const idle = new Set<Socket>();
  extra.on('connection', (socket: Socket) => {
    idle.add(socket);
    socket.once('close', () => idle.delete(socket));
  });
  extra.on('request', (request, response) => {
    idle.delete(request.socket);
    response.once('close', () => {
      if (!request.socket.destroyed) idle.add(request.socket);
    });
    main.emit('request', request, response);
  });
  // Connections that carry no request would hold `close` for a minute (see the main server's preClose).
  main.once('close', () => {
    extra.close();
    for (const socket of idle) socket.destroy();
  });
  return new Promise((resolve, reject) => {
    extra.once('error', (error: NodeJS.ErrnoException) => (optional && UNAVAILABLE.has(error.code ?? '') ? resolve(false) : reject(error)));
    extra.listen(port, host, () => resolve(true));
  });
}
