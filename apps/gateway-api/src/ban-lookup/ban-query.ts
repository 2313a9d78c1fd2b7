import { normalizeIp } from '#warden/ban-policy';
import { problem, type FieldError, type Problem } from '#warden/http-kit';

/** What `check` and `status` are asked about (DESIGN §5); `ip` canonical when given. */
export interface BanQuery {
  readonly ip?: string;
  readonly account?: string;
  readonly credentialFingerprint?: string;
}

export type BanQueryResult = { readonly ok: true; readonly query: BanQuery } | { readonly ok: false; readonly errors: FieldError[] };

const TEXT_LIMITS = { account: 320, credentialFingerprint: 256 } as const;

/**
 * Reads the query of `check` or `status`. `strict` refuses parameters it does not know (`status`,
 * called by code); `check` ignores them, because proxies such as Envoy's ext_authz pass the client's
 * own query string on. `ipRequired`: `status` has no client address to fall back on.
 */
export function parseBanQuery(raw: Readonly<Record<string, unknown>> | undefined, options: { strict: boolean; ipRequired: boolean }): BanQueryResult {
  const params = raw ?? {};
  const errors: FieldError[] = [];
  const single = (name: string): string | undefined => {
    const value = params[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      errors.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const ipText = single('ip');
  const ip = ipText === undefined ? undefined : normalizeIp(ipText);
  if (ip === null) errors.push({ field: 'ip', message: 'must be an IPv4 or IPv6 address' });
  else if (ip === undefined && options.ipRequired && !errors.some((error) => error.field === 'ip')) errors.push({ field: 'ip', message: 'is required' });
  const texts: { account?: string; credentialFingerprint?: string } = {};
  for (const name of ['account', 'credentialFingerprint'] as const) {
    const value = single(name);
    if (value === undefined) continue;
    if (value.trim() === '' || value.length > TEXT_LIMITS[name]) errors.push({ field: name, message: `must be 1 to ${TEXT_LIMITS[name]} characters` });
    else texts[name] = value;
  }
  if (options.strict) {
    for (const name of Object.keys(params)) {
      // Own keys only: `constructor` or `__proto__` are no parameters (an `in` check took them).
      if (name !== 'ip' && !Object.hasOwn(TEXT_LIMITS, name)) errors.push({ field: name, message: 'is not a parameter of this endpoint' });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, query: { ...(ip ? { ip } : {}), ...texts } };
}

/** The 400 problem of a bad query, naming each bad parameter. */
export function invalidQueryProblem(errors: readonly FieldError[]): Problem {
  return problem(400, 'validation_failed', `Invalid query: ${errors.map((error) => error.field).join(', ')}.`, errors);
}
