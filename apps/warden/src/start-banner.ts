import type { LocalApiKey } from './api-key-file.js';

export interface StartBannerFacts {
  /** Where the app listens, as `listen` reported it. */
  readonly url: string;
  /** The host it was asked to listen on (`HOST`). */
  readonly host: string;
  /** What stands behind it, e.g. "embedded PostgreSQL 18 in /srv/.warden, in-process bus". */
  readonly backing: string;
  /** The key made for this data folder; undefined when the keys come from WARDEN_API_KEYS. */
  readonly localKey: LocalApiKey | undefined;
}

const EXAMPLE_ATTEMPT = '{"ip":"203.0.113.7","account":"alice","outcome":"failure"}';

/** The lines a person reads at start: where Warden is, its key, and one request to try. */
export function startBanner(facts: StartBannerFacts): string {
  const port = new URL(facts.url).port;
  // A wildcard address is not somewhere to send requests: name this machine instead.
  const host = ['0.0.0.0', '::'].includes(facts.host) ? 'localhost' : facts.host.includes(':') ? `[${facts.host}]` : facts.host;
  const base = `http://${host}:${port}`;
  const key = facts.localKey?.key.key;
  const keyLine = facts.localKey
    ? `${key}  (every scope; ${facts.localKey.created ? 'made now and ' : ''}kept in ${facts.localKey.path})`
    : 'from WARDEN_API_KEYS';
  return [
    '',
    `  Warden is ready at ${base}`,
    `  Backed by: ${facts.backing}`,
    `  API key:   ${keyLine}`,
    `  Try:       curl -i -X POST ${base}/v1/attempts -H 'Authorization: Bearer ${key ?? '<key>'}' -H 'Content-Type: application/json' -d '${EXAMPLE_ATTEMPT}'`,
    '',
    '',
  ].join('\n');
}
