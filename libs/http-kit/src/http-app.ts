import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { POLICY_BACKTEST_PATH, POLICY_YAML_CONTENT_TYPES } from '#warden/contracts';
import { LOOPBACK_ADDRESSES, type WardenConfig } from '#warden/config';
import { listenAlsoOn } from './additional-address.js';
import { answerClientError, answerRouterError, MAX_PATH_PARAM_LENGTH, refuseNulInUrl } from './edge-errors.js';
import type { FastRoutes } from './fast-routes.js';
import type { JsonLogger } from './json-logger.js';
import { requestIdOf } from './request-id.js';
import type { RequestObserver } from './request-observer.js';
import { recordRoutes } from './known-routes.js';

/**
 * Creates a Warden HTTP app on Fastify: JSON bodies only (anything else is a 415), the body limit
 * of `WARDEN_MAX_BODY_BYTES`, shutdown hooks for SIGINT/SIGTERM, the {@link FastRoutes}
 * answered before Fastify, and every request seen by the {@link RequestObserver}. What fails before
 * a route (a NUL in the URL, bad encoding, an unknown method, too large headers) is a problem too
 * (see edge-errors). Call `listen` on the result.
 */
export async function createHttpApp(
  module: unknown,
  config: WardenConfig,
  { fastRoutes, observer, logger }: { fastRoutes: FastRoutes; observer: RequestObserver; logger: JsonLogger },
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    logger: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    genReqId: (request: IncomingMessage) => requestIdOf(request.headers),
    serverFactory: (handler: RequestListener) =>
      createServer((request, response) => refuseNulInUrl(request, response) || fastRoutes.handle(request, response) || handler(request, response)),
  });
  // Fastify would read text/plain bodies as strings; Warden accepts JSON and nothing else.
  adapter.getInstance().removeContentTypeParser('text/plain');
  acceptYamlPolicies(adapter.getInstance());
  fastRoutes.attach(recordRoutes(adapter.getInstance()));
  observer.attach(adapter.getInstance());
  closeUnusedConnectionsOnClose(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
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

/**
 * A policy file may be sent as YAML to the one endpoint that takes one (`POST /v1/policy/backtest`):
 * the body arrives as text. Everywhere else a YAML body is a 415, as any body but JSON.
 */
function acceptYamlPolicies(instance: FastifyInstance): void {
  instance.addContentTypeParser([...POLICY_YAML_CONTENT_TYPES], { parseAs: 'string' }, (request, body, done) => {
    if (request.url.split('?')[0] === POLICY_BACKTEST_PATH) return done(null, body);
    done(Object.assign(new Error('unsupported media type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), undefined);
  });
}
