import { parseArgs } from 'node:util';
import { CONNECTION_HELP, wardenConnection, type WardenConnection } from '../../apps/cli/src/connection/warden-connection.js';
import { DemoError } from './demo-error.js';

export interface DemoOptions extends WardenConnection {
  /** How long to wait for the bans and incidents the traffic should cause. */
  readonly timeoutMs: number;
}

export { DEFAULT_URL } from '../../apps/cli/src/connection/warden-connection.js';
const DEFAULT_TIMEOUT_SECONDS = 30;

export const USAGE = `Usage: npm run demo [-- --url <url>] [--key <api key>] [--timeout <seconds>]

Plays a few minutes of login traffic with five attacks against a running Warden, in seconds, then
prints the bans it caused and their incidents. It asks nothing: the URL and key come from

${CONNECTION_HELP}
  --timeout  seconds to wait for Warden's decisions (default ${DEFAULT_TIMEOUT_SECONDS})

The key needs the scopes attempts:write and status:read, and audit:read to count incidents.`;

/**
 * The options, or `help` when asked for it. Throws DemoError on a bad flag, and WardenError (as
 * the `warden` CLI does) when the URL is malformed or no key is found.
 */
export function demoOptions(argv: readonly string[], env: NodeJS.ProcessEnv, readKeyFile?: (path: string) => string): DemoOptions | 'help' {
  let values: { url?: string; key?: string; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { url: { type: 'string' }, key: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DemoError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';
  const timeoutMs = seconds(values.timeout ?? String(DEFAULT_TIMEOUT_SECONDS)) * 1_000;
  const { url, apiKey } = wardenConnection({ url: values.url, key: values.key }, env, readKeyFile);
  return { url, apiKey, timeoutMs };
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new DemoError(`--timeout: "${text}" must be a positive number of seconds`);
  return value;
}
