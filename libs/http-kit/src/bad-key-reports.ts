/** An address the local {@link BadKeyThrottle} has just throttled. */
export interface ThrottledClient {
  readonly ip: string;
  readonly rule: string;
  readonly level: number;
  readonly until: number;
  readonly at: number;
  /** Bad keys it presented within the throttle's window. */
  readonly badKeys: number;
}

/**
 * Where an app that has Warden's pipeline sends what the API-key check sees, so that bad-key
 * guessing is visible and its ban holds on every instance (registered by gateway-api; without
 * one, e.g. the audit app alone, the throttle is per process). http-kit knows no Kafka: the app
 * implements this and hands it to the {@link ApiKeyAuthenticator}.
 */
export interface BadKeyReports {
  /** A request from `ip` (normalized) presented no valid key. */
  badKey(ip: string, at: number): void;
  /** The local throttle has just started refusing `ip`. */
  throttled(client: ThrottledClient): void;
  /** Seconds `ip` must still wait by a ban every instance sees (0 when none). */
  sharedRetryAfter(ip: string, now: number): number;
}
