import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { WARDEN_CONFIG, type ApiKey, type Scope, type WardenConfig } from '#warden/config';
import { BAD_KEY_LIMIT, BadKeyThrottle } from './bad-key-throttle.js';
import { ClientAddressResolver, type ClientAddress } from './client-address.js';
import { problem, type Problem } from './problem.js';
import { throttledHeaders } from './rate-limit-headers.js';

export type Authentication =
  | { readonly ok: true; readonly apiKey: ApiKey; readonly client: ClientAddress }
  | { readonly ok: false; readonly problem: Problem; readonly headers: Readonly<Record<string, string>> };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <key>` against `WARDEN_API_KEYS`, for the {@link ApiKeyGuard} and for
 * routes served before Nest (the gateway's check). Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, against every configured key without stopping at a match, so the time taken
 * says nothing about any key. Keys are never logged. An address that keeps presenting bad keys is
 * throttled (429 + Retry-After) by {@link BadKeyThrottle}, even once it finds a good one.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly keys: ReadonlyArray<{ apiKey: ApiKey; digest: Buffer }>;
  private readonly throttle = new BadKeyThrottle();
  private readonly refusals: Counter<'reason'>;

  constructor(
    @Inject(WARDEN_CONFIG) config: WardenConfig,
    @Inject(ClientAddressResolver) private readonly clients: ClientAddressResolver,
    @Inject(Registry) registry: Registry,
  ) {
    this.keys = (config.apiKeys ?? []).map((apiKey) => ({ apiKey, digest: digest(apiKey.key) }));
    this.refusals = new Counter({
      name: 'warden_api_key_refusals_total',
      help: 'Requests refused by the API-key check: bad_key (401), throttled (429: the address sent too many bad keys), missing_scope (403)',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  authenticate(peer: string | undefined, headers: IncomingHttpHeaders, scope: Scope, now: number): Authentication {
    const client = this.clients.resolve(peer, headers);
    const waiting = this.throttle.retryAfter(client.ip, now);
    if (waiting > 0) return this.throttled(waiting);
    const apiKey = this.identify(headers.authorization);
    if (!apiKey) {
      const owed = this.throttle.recordBadKey(client.ip, now);
      if (owed > 0) return this.throttled(owed);
      this.refusals.inc({ reason: 'bad_key' });
      return {
        ok: false,
        problem: problem(401, 'unauthorized', 'A valid API key is required: Authorization: Bearer <key>.'),
        headers: { 'WWW-Authenticate': 'Bearer realm="warden"' },
      };
    }
    if (!apiKey.scopes.has(scope)) {
      this.refusals.inc({ reason: 'missing_scope' });
      return { ok: false, problem: problem(403, 'forbidden', `The API key "${apiKey.name}" lacks the scope ${scope}.`), headers: {} };
    }
    return { ok: true, apiKey, client };
  }

  private throttled(retryAfter: number): Authentication {
    this.refusals.inc({ reason: 'throttled' });
    return tooManyBadKeys(retryAfter);
  }

  private identify(header: string | undefined): ApiKey | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: ApiKey | undefined;
    for (const { apiKey, digest: expected } of this.keys) {
      if (timingSafeEqual(presented, expected)) found = apiKey;
    }
    return found;
  }
}

function tooManyBadKeys(retryAfter: number): Authentication {
  return {
    ok: false,
    problem: problem(429, 'too_many_bad_keys', `Too many requests with a bad API key from this address; retry in ${retryAfter} s.`),
    headers: throttledHeaders(BAD_KEY_LIMIT, retryAfter),
  };
}
