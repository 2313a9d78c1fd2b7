import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';

/**
 * A secret Warden keeps in its data folder: read when the file exists, else made by `create` and
 * written readable by its owner only (0600). A file others can read is narrowed to 0600 first.
 */
export function readOrCreateSecretFile(path: string, create: () => string): { text: string; created: boolean } {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return { text: readFileSync(path, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const text = create();
  // `wx`: never overwrite a file that appeared meanwhile (a second Warden on the same folder).
  writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
  return { text, created: true };
}
