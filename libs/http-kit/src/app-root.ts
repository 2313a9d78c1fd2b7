import { Module, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig, requireDistributedSettings, type WardenConfig } from '#warden/config';
import { FastRoutes } from './fast-routes.js';
import { createHttpApp, listen } from './http-app.js';
import { HttpKitModule } from './http-kit.module.js';

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
  const fastRoutes = new FastRoutes();
  const root: DynamicModule = {
    module: AppRootModule,
    imports: [HttpKitModule.forRoot(definition.name, config, fastRoutes), ...definition.imports],
  };
  return createHttpApp(root, config, fastRoutes);
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
