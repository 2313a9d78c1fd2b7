import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseApiKeys } from '#warden/config';
import { DemoError } from './demo-error.js';

export interface DemoOptions {
  /** Warden's base URL, without a trailing slash. */
  readonly url: string;
  readonly apiKey: string;
  /** How long to wait for the bans and incidents the traffic should cause. */
  readonly timeoutMs: number;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';
/**
 * Where the embedded mode (`npm start` with no settings) keeps the key it made, in its data folder,
 * as a `WARDEN_API_KEYS` entry (`name:key:scopes`).
 */
export const API_KEY_FILE = 'api-key';
const DEFAULT_DATA_DIR = '.warden';
const DEFAULT_TIMEOUT_SECONDS = 30;

export const USAGE = `Usage: npm run demo [-- --url <url>] [--key <api key>] [--timeout <seconds>]

Plays a few minutes of login traffic with five attacks against a running Warden, in seconds, then
prints the bans it caused and their incidents. It asks nothing: the URL and key come from

  --url      or WARDEN_URL       (default ${DEFAULT_URL})
  --key      or WARDEN_API_KEY   (default: the key \`npm start\` keeps in
                                  \${WARDEN_DATA_DIR:-${DEFAULT_DATA_DIR}}/${API_KEY_FILE})
  --timeout  seconds to wait for Warden's decisions (default ${DEFAULT_TIMEOUT_SECONDS})

The key needs the scopes attempts:write and status:read, and audit:read to count incidents.`;

/** The options, or `help` when asked for it. Throws DemoError on a bad flag or when no key is found. */
export function demoOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  readKeyFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): DemoOptions | 'help' {
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
  return {
    url: baseUrl(values.url ?? nonBlank(env.WARDEN_URL) ?? DEFAULT_URL),
    apiKey: values.key ?? nonBlank(env.WARDEN_API_KEY) ?? keyOfDataDir(nonBlank(env.WARDEN_DATA_DIR) ?? DEFAULT_DATA_DIR, readKeyFile),
    timeoutMs: seconds(values.timeout ?? String(DEFAULT_TIMEOUT_SECONDS)) * 1_000,
  };
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DemoError(`--url / WARDEN_URL: "${text}" is not a URL (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DemoError(`--url / WARDEN_URL: "${text}" must be an http:// or https:// URL`);
  return url.toString().replace(/\/+$/, '');
}

function keyOfDataDir(dataDir: string, readKeyFile: (path: string) => string): string {
  const path = join(dataDir, API_KEY_FILE);
  let text: string;
  try {
    text = readKeyFile(path).trim();
  } catch (error) {
    throw new DemoError(
      `No API key: --key and WARDEN_API_KEY are not set, and ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). ` +
        'Start Warden with `npm start` (it makes a key and keeps it there), or pass a key with --key or WARDEN_API_KEY.',
    );
  }
  const entry = parseApiKeys(text);
  if (!entry.ok || entry.keys.length !== 1) {
    throw new DemoError(`No API key: ${path} does not hold one name:key:scopes entry. Pass a key with --key or WARDEN_API_KEY.`);
  }
  return entry.keys[0]!.key;
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new DemoError(`--timeout: "${text}" must be a positive number of seconds`);
  return value;
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
