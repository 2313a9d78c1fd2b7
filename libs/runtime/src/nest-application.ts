import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import { listenAlsoOn } from './additional-address.js';
import { LOOPBACK_ADDRESSES } from './config/listen-addresses.js';
import type { WardenConfig } from './config/warden-config.js';
import type { JsonLogger } from './json-logger.js';
import { requestIdOf } from './request-id.js';
import type { RequestObserver } from './request-observer.js';

/** What an HTTP setup may add to the Fastify adapter every Warden app is built on. */
export interface NestApplicationOptions {
  readonly adapter?: FastifyHttpOptions<Server>;
  /** Runs on the Fastify instance before Nest registers its routes. */
  readonly configure?: (instance: FastifyInstance) => void;
}

/**
 * Creates a Warden app on Nest with Fastify: every request seen by the {@link RequestObserver}
 * (request id, duration metric, access log), Nest logging through the JSON logger, shutdown hooks
 * for SIGINT/SIGTERM, and connections without a request closed at close. Call `listen` on the result.
 */
export async function createNestApplication(
  root: DynamicModule,
  { logger, observer }: { logger: JsonLogger; observer: RequestObserver },
  options: NestApplicationOptions = {},
): Promise<NestFastifyApplication> {
  const adapterOptions: FastifyHttpOptions<Server> = {
    logger: false,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers),
    ...options.adapter,
  };
  const adapter = new FastifyAdapter(adapterOptions);
  options.configure?.(adapter.getInstance());
  observer.attach(adapter.getInstance());
  closeUnusedConnectionsOnClose(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(root as never, adapter, { logger, bodyParser: false, abortOnError: false });
  app.enableShutdownHooks();
  return app;
}

/**
 * Listens on every address of `HOST` (loopback 127.0.0.1 and ::1 by default), on one port, and
 * returns the URL of the first. Where the default's ::1 does not exist (IPv6 off), 127.0.0.1 alone.
 */
export async function listen(app: INestApplication, config: WardenConfig): Promise<string> {
  const [first, ...others] = config.hosts;
  await app.listen(config.port, first!);
  const main = app.getHttpServer() as Server;
  const { port } = main.address() as AddressInfo;
  const optional = config.hosts.every((host) => LOOPBACK_ADDRESSES.includes(host));
  for (const host of others) await listenAlsoOn(main, host, port, optional);
  return app.getUrl();
}

/**
 * At close, ends the connections that carry no request. Node counts a connection that has not
 * sent a request yet (an HTTP client's spare one) as busy, so `close` would otherwise wait for its
 * headers timeout, a minute. Requests in flight still finish.
 */
function closeUnusedConnectionsOnClose(instance: FastifyInstance): void {
  // Weak: requests of a second address's server (listenAlsoOn) come on sockets not tracked here.
  const busy = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  instance.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
    });
  });
  instance.server.on('request', (request, response) => {
    const socket = request.socket as Socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => busy.set(socket, (busy.get(socket) ?? 1) - 1));
  });
  instance.addHook('preClose', (done) => {
    for (const socket of sockets) if (!busy.get(socket)) socket.destroy();
    done();
  });
}
