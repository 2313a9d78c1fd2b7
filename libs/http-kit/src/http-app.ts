import { ConsoleLogger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { WardenConfig } from '#warden/config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Structured JSON log lines on stdout at `WARDEN_LOG_LEVEL` (Nest's own JSON logger). */
export function jsonLogger(level: string): ConsoleLogger {
  const nestLevel = ({ info: 'log', trace: 'verbose' } as Record<string, LogLevel>)[level] ?? (level as LogLevel);
  const logLevels = level === 'silent' ? [] : LEVELS.slice(0, LEVELS.indexOf(nestLevel) + 1);
  return new ConsoleLogger({ json: true, logLevels, colors: false });
}

/**
 * Creates a Warden HTTP app on Fastify: JSON bodies only (anything else is a 415), the body limit
 * of `WARDEN_MAX_BODY_BYTES`, shutdown hooks for SIGINT/SIGTERM. Call `listen` on the result.
 */
export async function createHttpApp(module: unknown, config: WardenConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.maxBodyBytes, logger: false });
  // Fastify would read text/plain bodies as strings; Warden accepts JSON and nothing else.
  adapter.getInstance().removeContentTypeParser('text/plain');
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
