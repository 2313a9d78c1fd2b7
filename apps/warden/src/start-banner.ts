import type { LocalApiKey } from './api-key-file.js';

export interface StartBannerFacts {
  /** Where the app listens, as `listen` reported it. */
  readonly url: string;
  /** The addresses it was asked to listen on (`HOST`). */
  readonly hosts: readonly string[];
  /** What stands behind it, e.g. "embedded PostgreSQL 18 in /srv/.warden, in-process bus". */
  readonly backing: string;
  /** The key made for this data folder; undefined when the keys come from WARDEN_API_KEYS. */
  readonly localKey: LocalApiKey | undefined;
}

const EXAMPLE_ATTEMPT = '{"ip":"203.0.113.7","account":"alice","outcome":"failure"}';
const WILDCARDS = ['0.0.0.0', '::'];

const inUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);
const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

function reachLine(hosts: readonly string[]): string {
  if (hosts.some((host) => WILDCARDS.includes(host))) return 'every interface (HOST): other machines can reach it';
  return `${hosts.join(' and ')} only; set HOST=0.0.0.0 to accept other machines`;
}

/**
 * The lines a person reads at start: where Warden is, who can reach it, its key, and one request
 * to try. The key is shown on the start that made it only; afterwards the banner says where it is
 * kept, so a terminal's scrollback or a CI log holds it at most once.
 */
export function startBanner(facts: StartBannerFacts): string {
  const port = new URL(facts.url).port;
  // A wildcard address is not somewhere to send requests: name this machine instead.
  const first = facts.hosts[0] ?? 'localhost';
  const base = `http://${WILDCARDS.includes(first) ? 'localhost' : inUrl(first)}:${port}`;
  const local = facts.localKey;
  const keyLine = !local
    ? 'from WARDEN_API_KEYS'
    : local.created
      ? `${local.key.key}  (every scope; made now and kept in ${local.path}; shown this once)`
      : `kept in ${local.path} (every scope; the key is its middle field)`;
  const bearer = local ? `"Authorization: Bearer $(cut -d: -f2 ${shellQuoted(local.path)})"` : `'Authorization: Bearer <key>'`;
  return [
    '',
    `  Warden is ready at ${base}`,
    `  Listening: ${reachLine(facts.hosts)}`,
    `  Backed by: ${facts.backing}`,
    `  API key:   ${keyLine}`,
    `  Try:       curl -i -X POST ${base}/v1/attempts -H ${bearer} -H 'Content-Type: application/json' -d '${EXAMPLE_ATTEMPT}'`,
    '',
    '',
  ].join('\n');
}
