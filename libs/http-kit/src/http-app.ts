import { ConsoleLogger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { WardenConfig } from '#warden/config';
import { answerClientError, answerRouterError, MAX_PATH_PARAM_LENGTH, refuseNulInUrl } from './edge-errors.js';
import { POLICY_BACKTEST_PATH, POLICY_YAML_CONTENT_TYPES } from '#warden/contracts';
import { FastRoutes } from './fast-routes.js';
import { recordRoutes } from './known-routes.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Structured JSON log lines on stdout at `WARDEN_LOG_LEVEL` (Nest's own JSON logger). */
export function jsonLogger(level: string): ConsoleLogger {
  const nestLevel = ({ info: 'log', trace: 'verbose' } as Record<string, LogLevel>)[level] ?? (level as LogLevel);
  const logLevels = level === 'silent' ? [] : LEVELS.slice(0, LEVELS.indexOf(nestLevel) + 1);
  return new ConsoleLogger({ json: true, logLevels, colors: false });
}

/**
 * Creates a Warden HTTP app on Fastify: JSON bodies only (anything else is a 415), the body limit
 * of `WARDEN_MAX_BODY_BYTES`, shutdown hooks for SIGINT/SIGTERM, and the {@link FastRoutes}
 * answered before Fastify. What fails before a route (a NUL in the URL, bad encoding, an unknown
 * method, too large headers) is a problem too (see edge-errors). Call `listen` on the result.
 */
export async function createHttpApp(module: unknown, config: WardenConfig, fastRoutes = new FastRoutes()): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    logger: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    serverFactory: (handler: RequestListener) =>
      createServer((request, response) => refuseNulInUrl(request, response) || fastRoutes.handle(request, response) || handler(request, response)),
  });
  // Fastify would read text/plain bodies as strings; Warden accepts JSON and nothing else.
  adapter.getInstance().removeContentTypeParser('text/plain');
  acceptYamlPolicies(adapter.getInstance());
  fastRoutes.attach(recordRoutes(adapter.getInstance()));
  closeUnusedConnectionsOnClose(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: jsonLogger(config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, config: WardenConfig): Promise<string> {
  await app.listen(config.port, config.host);
  return app.getUrl();
}

/**
 * At close, ends the connections that carry no request. Node counts a connection that has not
 * sent a request yet (an HTTP client's spare one) as busy, so `close` would otherwise wait for its
 * headers timeout, a minute. Requests in flight still finish.
 */
function closeUnusedConnectionsOnClose(instance: FastifyInstance): void {
  const busy = new Map<Socket, number>();
  const sockets = new Set<Socket>();
  instance.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
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
