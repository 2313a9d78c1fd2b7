import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type WardenConfig, createApp, listen, type AppDefinition } from '#warden/runtime';

export const EDGE_KEY = 'edge-key-0001';
export const SOC_KEY = 'soc-key-00001';
export const TEST_API_KEYS = `edge:${EDGE_KEY}:attempts:write,status:read;soc:${SOC_KEY}:audit:read`;

export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly config: WardenConfig;
  close(): Promise<void>;
}

/** A topic prefix of its own, so each test file has fresh topics and consumer groups. */
export function uniqueTopicPrefix(name: string): string {
  return `${name}-${randomBytes(3).toString('hex')}.`;
}

/**
 * Starts an app in this process on a free loopback port, on the real Kafka and Postgres of the
 * test run (the global setup put them in the environment).
 */
export async function startApp(definition: AppDefinition, env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  const config = loadConfig({ ...process.env, WARDEN_API_KEYS: TEST_API_KEYS, ...env, PORT: '0', HOST: '127.0.0.1' });
  const app = await createApp(definition, config);
  const url = (await listen(app, config)).replace('[::1]', '127.0.0.1');
  return { app, url, config, close: () => app.close() };
}
