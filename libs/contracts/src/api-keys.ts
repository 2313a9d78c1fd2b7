/** The scopes an API key can hold (DESIGN §5). */
export const SCOPES = ['attempts:write', 'status:read', 'audit:read', 'bans:write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  readonly name: string;
  readonly key: string;
  readonly scopes: ReadonlySet<Scope>;
}

export type ApiKeysParseResult = { ok: true; keys: ApiKey[] } | { ok: false; error: string };

/**
 * Parses `WARDEN_API_KEYS`: entries separated by `;`, each `name:key:scopes`, where name and key
 * hold no `:` and scopes is a comma list of {@link SCOPES} or `*`. Errors name the entry by its
 * position and name, never by its key.
 */
export function parseApiKeys(text: string): ApiKeysParseResult {
  const keys: ApiKey[] = [];
  const entries = text.split(';').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) return { ok: false, error: 'holds no key' };
  for (const [index, entry] of entries.entries()) {
    const first = entry.indexOf(':');
    const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
    const where = `entry ${index + 1}`;
    if (second < 0) return { ok: false, error: `${where} is not name:key:scopes` };
    const name = entry.slice(0, first);
    const key = entry.slice(first + 1, second);
    const scopeList = entry.slice(second + 1).split(',').map((scope) => scope.trim());
    if (name === '') return { ok: false, error: `${where} has an empty name` };
    if (key.length < 8) return { ok: false, error: `${where} (${name}) has a key shorter than 8 characters` };
    if (keys.some((other) => other.name === name)) return { ok: false, error: `${where}: the name ${name} is used twice` };
    if (keys.some((other) => other.key === key)) return { ok: false, error: `${where} (${name}) repeats another entry's key` };
    const scopes = new Set<Scope>();
    for (const scope of scopeList) {
      if (scope === '*') SCOPES.forEach((each) => scopes.add(each));
      else if ((SCOPES as readonly string[]).includes(scope)) scopes.add(scope as Scope);
      else return { ok: false, error: `${where} (${name}) has the unknown scope "${scope}"; use ${SCOPES.join(', ')} or *` };
    }
    keys.push({ name, key, scopes });
  }
  return { ok: true, keys };
}
