import { Module, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig, requireDistributedSettings, type WardenConfig } from '#warden/config';
import { FastRoutes } from './fast-routes.js';
import { createHttpApp, listen } from './http-app.js';
import { HttpKitModule } from './http-kit.module.js';
import { jsonLogger } from './json-logger.js';
import { createMetricsRegistry } from './metrics.js';
import { RequestObserver } from './request-observer.js';

export type ModuleImport = Type<unknown> | DynamicModule | ForwardReference;

/** What a deployable is made of: its name (in metrics and logs), its modules, what it needs. */
export interface AppDefinition {
  readonly name: string;
  readonly imports: readonly ModuleImport[];
  readonly needs: { kafka?: boolean; database?: boolean; apiKeys?: boolean };
}

@Module({})
class AppRootModule {}

/** Builds an app from its definition on an already loaded config (tests use this directly). */
export async function createApp(definition: AppDefinition, config: WardenConfig): Promise<NestFastifyApplication> {
  const logger = jsonLogger(config.logLevel);
  const registry = createMetricsRegistry(definition.name);
  const observer = new RequestObserver(logger, registry, config.accessLogSampleRate);
  const fastRoutes = new FastRoutes(observer);
  const root: DynamicModule = {
    module: AppRootModule,
    imports: [HttpKitModule.forRoot(definition.name, config, { fastRoutes, registry }), ...definition.imports],
  };
  return createHttpApp(root, config, { fastRoutes, observer, logger });
}

/** `main.ts` of every app: validate the environment (stop naming the bad variable), build, listen. */
export async function runApp(definition: AppDefinition): Promise<NestFastifyApplication> {
  let config: WardenConfig;
  try {
    config = loadConfig();
    requireDistributedSettings(config, definition.needs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.name}: ${error.message}\n`);
    process.exit(1);
  }
  const app = await createApp(definition, config);
  const url = await listen(app, config);
  app.get(HttpKitModule).announce(`${definition.name} listening on ${url}`);
  return app;
}
