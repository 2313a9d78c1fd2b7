import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiKeys, SCOPES } from '#warden/contracts';
import { API_KEY_FILE, localApiKey } from './api-key-file.js';

const folders: string[] = [];
const freshFolder = () => {
  folders.push(mkdtempSync(join(tmpdir(), 'warden-key-')));
  return folders.at(-1)!;
};

describe('localApiKey', () => {
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('makes one key with every scope, kept as a WARDEN_API_KEYS entry readable by its owner only', () => {
    const folder = freshFolder();
    const made = localApiKey(folder);
    expect(made.created).toBe(true);
    expect([...made.key.scopes]).toEqual([...SCOPES]);
    expect(statSync(made.path).mode & 0o777).toBe(0o600);
    const parsed = parseApiKeys(readFileSync(join(folder, API_KEY_FILE), 'utf8'));
    expect(parsed.ok && parsed.keys[0]?.key).toBe(made.key.key);
  });

  it('reuses the kept key on later starts', () => {
    const folder = freshFolder();
    const first = localApiKey(folder);
    const again = localApiKey(folder);
    expect(again.created).toBe(false);
    expect(again.key.key).toBe(first.key.key);
  });

  it('gives different folders different keys', () => {
    expect(localApiKey(freshFolder()).key.key).not.toBe(localApiKey(freshFolder()).key.key);
  });

  it('narrows a key file others can read to 0600', () => {
    const folder = freshFolder();
    const { path } = localApiKey(folder);
    chmodSync(path, 0o644);
    localApiKey(folder);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('names a key file it cannot read, without repeating its content', () => {
    const folder = freshFolder();
    writeFileSync(join(folder, API_KEY_FILE), 'not-a-key-entry\n', { mode: 0o600 });
    expect(() => localApiKey(folder)).toThrow(new RegExp(`${API_KEY_FILE} does not hold one API key`));
    expect(() => localApiKey(folder)).not.toThrow(/not-a-key-entry/);
  });
});
