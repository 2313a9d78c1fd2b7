import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { auditKeyProblem } from '#warden/runtime';
import { readOrCreateSecretFile } from './secret-file.js';

export const AUDIT_KEY_FILE = 'audit-key';

/**
 * The audit chain's signing key of a Warden started without `WARDEN_AUDIT_KEY` in one process:
 * 32 random bytes made at the first start and kept in the data folder (mode 0600), like the API
 * key, so later starts sign with the same key and verify what earlier ones signed. Losing the file
 * (or the folder) makes the entries signed before unverifiable: back it up with the database.
 */
export function localAuditKey(dataDir: string): string {
  const path = join(dataDir, AUDIT_KEY_FILE);
  const { text } = readOrCreateSecretFile(path, () => randomBytes(32).toString('base64url'));
  // The file is checked by the variable's rules.
  const problem = auditKeyProblem(text);
  if (problem !== undefined) throw new Error(`${path} does not hold a usable audit key: it ${problem}; restore it from a backup`);
  return text;
}
