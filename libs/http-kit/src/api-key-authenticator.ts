import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { type ApiKey, type Scope } from '#warden/contracts';
import type { BadKeyReports } from './bad-key-reports.js';
import { BAD_KEY_LIMIT, BAD_KEY_RULE, BadKeyThrottle } from './bad-key-throttle.js';
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
 *
 * Guessing is visible: `warden_api_key_refusals_total` counts each bad key (`bad_key`), each
 * request refused while throttled (`throttled`) and each key without the scope (`missing_scope`); the start of a throttle is a warn line with the
 * address (never the key). Where the app registered {@link BadKeyReports} (gateway-api), each bad
 * key also goes through Warden's own pipeline, and a ban the engine decides on it (seen in the
 * decision view of every instance) throttles the address here too: see BadKeyReportsService.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly keys: ReadonlyArray<{ apiKey: ApiKey; digest: Buffer }>;
  private readonly throttle = new BadKeyThrottle();
  private readonly refusals: Counter<'reason'>;
  private readonly logger = new Logger('api-keys');
  private reports?: BadKeyReports;

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

  /** Called once by an app that has the pipeline (gateway-api). */
  useReports(reports: BadKeyReports): void {
    this.reports = reports;
  }

  authenticate(peer: string | undefined, headers: IncomingHttpHeaders, scope: Scope, now: number): Authentication {
    const client = this.clients.resolve(peer, headers);
    const waiting = Math.max(this.throttle.retryAfter(client.ip, now), this.reports?.sharedRetryAfter(client.ip, now) ?? 0);
    if (waiting > 0) return this.throttled(waiting);
    const apiKey = this.identify(headers.authorization);
    if (!apiKey) {
      this.refusals.inc({ reason: 'bad_key' });
      this.reports?.badKey(client.ip, now);
      const owed = this.throttle.recordBadKey(client.ip, now);
      if (owed > 0) {
        this.onThrottled(client.ip, now, owed);
        return this.throttled(owed);
      }
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

  private onThrottled(ip: string, now: number, retryAfter: number): void {
    const ban = this.throttle.banOf(ip);
    this.logger.warn({ msg: 'address throttled for bad API keys', ip, badKeys: BAD_KEY_LIMIT, retryAfter });
    this.reports?.throttled({ ip, rule: BAD_KEY_RULE, level: ban?.level ?? 1, until: ban?.until ?? now + retryAfter * 1000, at: now, badKeys: BAD_KEY_LIMIT });
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
    headers: throttledHeaders(BAD_KEY_RULE, retryAfter),
  };
}
