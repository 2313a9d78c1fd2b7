import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditKeyProblem } from '#warden/runtime';
import { AUDIT_KEY_FILE, localAuditKey } from './audit-key-file.js';

describe('localAuditKey', () => {
  const folder = mkdtempSync(join(tmpdir(), 'warden-audit-key-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('makes a key the variable would accept, keeps it readable by its owner only, and reuses it', () => {
    const made = localAuditKey(folder);
    expect(auditKeyProblem(made)).toBeUndefined();
    expect(statSync(join(folder, AUDIT_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(localAuditKey(folder)).toBe(made);
  });

  it('refuses a kept file that holds no usable key, naming the file', () => {
    const other = mkdtempSync(join(folder, 'bad-'));
    writeFileSync(join(other, AUDIT_KEY_FILE), 'short\n', { mode: 0o600 });
    expect(() => localAuditKey(other)).toThrow(new RegExp(`${AUDIT_KEY_FILE} does not hold a usable audit key`));
  });
});
