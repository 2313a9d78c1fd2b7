import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, createApp, jsonLogger, listen, loadConfig, ReadinessRegistry, RuntimeModule, type WardenConfig } from '#warden/runtime';
import { localApiKey } from './api-key-file.js';
import { localAuditKey } from './audit-key-file.js';
import { EmbeddedPostgresError } from './embedded-postgres/embedded-postgres.error.js';
import { EmbeddedPostgresServer } from './embedded-postgres/embedded-postgres.server.js';
import { isSignal, withoutListenersAddedBy } from './process-listeners.js';
import { startBanner } from './start-banner.js';
import { wardenApp } from './warden.app.js';
import { wardenModeOf, type WardenMode } from './warden-mode.js';

const CONTEXT = 'warden';

function backingOf(mode: WardenMode, server: EmbeddedPostgresServer | undefined, dataDir: string): string {
  if (server) return `embedded PostgreSQL ${server.version} on 127.0.0.1:${server.port} (data in ${dataDir}), in-process bus`;
  return mode.inProcessBus ? 'PostgreSQL at DATABASE_URL, in-process bus' : 'PostgreSQL at DATABASE_URL, Kafka at KAFKA_BROKERS';
}

/** What a person needs to read about a failed start: the known causes in a sentence, anything else with its stack. */
function startErrorDetail(error: unknown, config: WardenConfig): string {
  if (error instanceof EmbeddedPostgresError) return error.message;
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return `port ${config.port} on ${config.hosts.join(' and ')} is in use; set PORT to a free port`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * `main.ts` of `warden`: validate the environment, start the embedded PostgreSQL server when there
 * is no `DATABASE_URL`, make the local API key when there is no `WARDEN_API_KEYS`, then build the
 * app on that config, listen, and print the start banner.
 *
 * SIGINT/SIGTERM: the app closes (consumers stop, the pool ends), then the embedded server stops,
 * then the process exits 0. A start that fails stops what it had started and exits 1.
 */
export async function runWarden(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: WardenConfig;
  let mode: WardenMode;
  try {
    config = loadConfig(env);
    mode = wardenModeOf(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`warden: ${error.message}\n`);
    process.exit(1);
  }
  const logger = jsonLogger(config.logLevel);
  let server: EmbeddedPostgresServer | undefined;
  let app: NestFastifyApplication | undefined;
  let stopping = false;

  const stop = async (code: number, reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'stopping', reason }, CONTEXT);
    for (const [what, close] of [['app', () => app?.close()], ['embedded PostgreSQL', () => server?.stop()]] as const) {
      try {
        await close();
      } catch (error) {
        logger.error({ msg: `could not stop the ${what} cleanly`, err: error instanceof Error ? error.stack : String(error) }, CONTEXT);
        code = 1;
      }
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0, signal));

  try {
    const dataDir = resolve(config.dataDir);
    if (mode.inProcessBus) mkdirSync(dataDir, { recursive: true });
    if (mode.embeddedPostgres) {
      server = await EmbeddedPostgresServer.start(dataDir, logger);
      server.onUnexpectedExit((reason) => {
        logger.error({ msg: reason }, CONTEXT);
        void stop(1, 'the embedded PostgreSQL server exited');
      });
    }
    const localKey = config.apiKeys ? undefined : localApiKey(dataDir);
    const effective: WardenConfig = {
      ...config,
      databaseUrl: server?.url ?? config.databaseUrl,
      apiKeys: localKey ? [localKey.key] : config.apiKeys,
      // In one process the data folder is Warden's own: it keeps the audit key as it keeps the API key.
      auditKey: config.auditKey ?? (mode.inProcessBus ? localAuditKey(dataDir) : undefined),
    };
    // Nest's own signal handlers would end the process before the embedded server is stopped.
    app = await withoutListenersAddedBy(isSignal, () => createApp(wardenApp(mode), effective));
    if (server) app.get(ReadinessRegistry).describe('postgres', `embedded PostgreSQL ${server.version}`);
    const url = await listen(app, effective);
    app.get(RuntimeModule).announce(`warden listening on ${url}`);
    process.stderr.write(startBanner({ url, hosts: effective.hosts, backing: backingOf(mode, server, dataDir), localKey }));
  } catch (error) {
    process.stderr.write(`warden: could not start: ${startErrorDetail(error, config)}\n`);
    await stop(1, 'the start failed');
  }
}
