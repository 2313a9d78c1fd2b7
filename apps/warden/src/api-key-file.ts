import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseApiKeys, type ApiKey } from '#warden/contracts';
import { readOrCreateSecretFile } from './secret-file.js';

export const API_KEY_FILE = 'api-key';
const KEY_NAME = 'local';

export interface LocalApiKey {
  readonly key: ApiKey;
  readonly path: string;
  /** True on the start that made it. */
  readonly created: boolean;
}

/**
 * The key of a Warden started without `WARDEN_API_KEYS` in one process: one key with every scope,
 * made at the first start and kept in the data folder (mode 0600) as a `WARDEN_API_KEYS` entry, so
 * later starts reuse it and the line can be copied into the variable as it is.
 */
export function localApiKey(dataDir: string): LocalApiKey {
  const path = join(dataDir, API_KEY_FILE);
  const { text, created } = readOrCreateSecretFile(path, () => `${KEY_NAME}:${randomBytes(24).toString('base64url')}:*`);
  const parsed = parseApiKeys(text);
  if (!parsed.ok || parsed.keys.length !== 1) {
    throw new Error(`${path} does not hold one API key as name:key:scopes (${parsed.ok ? 'several entries' : parsed.error}); fix or delete it`);
  }
  return { key: parsed.keys[0]!, path, created };
}
