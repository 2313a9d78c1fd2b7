import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseApiKeys } from '#warden/contracts';
import { WardenError } from '../warden-error.js';

/** Where a running Warden is and the key to use with it. */
export interface WardenConnection {
  /** Warden's base URL, without a trailing slash. */
  readonly url: string;
  readonly apiKey: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';
/**
 * Where the embedded mode (`npm start` with no settings) keeps the key it made, in its data folder,
 * as a `WARDEN_API_KEYS` entry (`name:key:scopes`).
 */
export const API_KEY_FILE = 'api-key';
export const DEFAULT_DATA_DIR = '.warden';

/** How the URL and key are found, for a usage text (the CLI's and the demo's alike). */
export const CONNECTION_HELP = `  --url      or WARDEN_URL       (default ${DEFAULT_URL})
  --key      or WARDEN_API_KEY   (default: the key \`npm start\` keeps in
                                  \${WARDEN_DATA_DIR:-${DEFAULT_DATA_DIR}}/${API_KEY_FILE})`;

/**
 * The URL and key as a user gives them, flags before the environment before the defaults: the
 * key file of the embedded mode's data folder when no key is given. Throws WardenError naming
 * every way to give what is missing or malformed.
 */
export function wardenConnection(
  given: { readonly url?: string | undefined; readonly key?: string | undefined },
  env: NodeJS.ProcessEnv,
  readKeyFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): WardenConnection {
  return {
    url: baseUrl(given.url ?? nonBlank(env.WARDEN_URL) ?? DEFAULT_URL),
    apiKey: nonBlank(given.key) ?? nonBlank(env.WARDEN_API_KEY) ?? keyOfDataDir(nonBlank(env.WARDEN_DATA_DIR) ?? DEFAULT_DATA_DIR, readKeyFile),
  };
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WardenError(`--url / WARDEN_URL: "${text}" is not a URL (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WardenError(`--url / WARDEN_URL: "${text}" must be an http:// or https:// URL`);
  return url.toString().replace(/\/+$/, '');
}

function keyOfDataDir(dataDir: string, readKeyFile: (path: string) => string): string {
  const path = join(dataDir, API_KEY_FILE);
  let text: string;
  try {
    text = readKeyFile(path).trim();
  } catch (error) {
    throw new WardenError(
      `No API key: --key and WARDEN_API_KEY are not set, and ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). ` +
        'Start Warden with `npm start` (it makes a key and keeps it there), or pass a key with --key or WARDEN_API_KEY.',
    );
  }
  // The file is a WARDEN_API_KEYS entry: read it with the parser Warden itself uses.
  const entry = parseApiKeys(text);
  if (!entry.ok || entry.keys.length !== 1) {
    throw new WardenError(`No API key: ${path} does not hold one name:key:scopes entry. Pass a key with --key or WARDEN_API_KEY.`);
  }
  return entry.keys[0]!.key;
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
