import { Module, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Registry } from 'prom-client';
import { ConfigError, loadConfig, requireDistributedSettings, type WardenConfig } from './config/warden-config.js';
import { jsonLogger, type JsonLogger } from './json-logger.js';
import { createMetricsRegistry } from './metrics-registry.js';
import { createNestApplication, listen } from './nest-application.js';
import { RequestObserver } from './request-observer.js';
import { RuntimeModule } from './runtime.module.js';

export type ModuleImport = Type<unknown> | DynamicModule | ForwardReference;

/** What an app's HTTP setup is given: the process's logger, metrics registry and request observer. */
export interface AppContext {
  readonly name: string;
  readonly config: WardenConfig;
  readonly logger: JsonLogger;
  readonly registry: Registry;
  readonly observer: RequestObserver;
}

/**
 * How an app serves HTTP beyond health and metrics: the modules it adds (guards, filters) and how
 * its Nest application is made. `libs/http-kit` provides Warden's API one; an app without an API
 * (the ban engine) has none, and serves `/health/*` and `/metrics` only.
 */
export interface HttpServing {
  readonly modules: readonly ModuleImport[];
  create(root: DynamicModule): Promise<NestFastifyApplication>;
}

/** What a deployable is made of: its name (in metrics and logs), its modules, what it needs. */
export interface AppDefinition {
  readonly name: string;
  readonly imports: readonly ModuleImport[];
  readonly needs: { kafka?: boolean; database?: boolean; apiKeys?: boolean };
  readonly http?: (context: AppContext) => HttpServing;
}

@Module({})
class AppRootModule {}

/** Builds an app from its definition on an already loaded config (tests use this directly). */
export async function createApp(definition: AppDefinition, config: WardenConfig): Promise<NestFastifyApplication> {
  const logger = jsonLogger(config.logLevel);
  const registry = createMetricsRegistry(definition.name);
  const observer = new RequestObserver(logger, registry, config.accessLogSampleRate);
  const context: AppContext = { name: definition.name, config, logger, registry, observer };
  const http = definition.http?.(context);
  const root: DynamicModule = {
    module: AppRootModule,
    imports: [RuntimeModule.forRoot(definition.name, config, registry), ...(http?.modules ?? []), ...definition.imports],
  };
  return http ? http.create(root) : createNestApplication(root, context);
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
  app.get(RuntimeModule).announce(`${definition.name} listening on ${url}`);
  return app;
}
