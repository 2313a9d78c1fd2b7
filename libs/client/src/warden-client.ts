import { DEFAULT_POLICY, type Policy } from '#warden/ban-policy';
import type { AttemptInput, DecisionStreamEvent, Verdict } from '#warden/contracts';
import { AttemptReporter, stamped, type ReporterCounters } from './attempt-reporter.js';
import { backoffDelay } from './backoff.js';
import { CacheCheck } from './cache-check.js';
import { ALLOWED_OPEN, deniedClosed, resultOfRemote, type CheckResult } from './check-result.js';
import { DecisionStreamFollower, type StreamCounters, type StreamState } from './decision-stream-follower.js';
import { WardenHttp, WardenUnavailableError, type WardenEndpoint } from './warden-http.js';

/** What `check` answers while the stream has been down longer than `staleAfterMs` (or never synced). */
export type UnavailableMode = 'open' | 'closed' | 'remote';

export interface WardenClientOptions extends WardenEndpoint {
  /** `open`: allow; `closed`: deny with 429; `remote`: ask `GET /v1/check`. Default `remote`. */
  readonly onUnavailable?: UnavailableMode;
  /** How long the cache still answers after the stream went down. Default 10,000 ms. */
  readonly staleAfterMs?: number;
  /**
   * The policy Warden runs, for its range prefixes and allowlist (subjects are formed from them).
   * Default: the default policy. Give the same file and WARDEN_ALLOWLIST as the server's, e.g.
   * `extendAllowlist(loadPolicy(text, 'yaml').policy, allowlist)`.
   */
  readonly policy?: Policy;
  /**
   * Addresses whose subjects `check` keeps formed (and the bans found on them), at most: about
   * 650 bytes each (1 KB for IPv6). Default 16,384.
   */
  readonly addressCacheSize?: number;
  /** Retry-After of the `closed` answer, in seconds. Default 5. */
  readonly closedRetryAfterSeconds?: number;
  /** Deadline of a `/v1/check` call in `remote` mode; on failure the (stale) cache answers. Default 1,000 ms. */
  readonly remoteTimeoutMs?: number;
  readonly report?: {
    readonly batchSize?: number;
    readonly flushIntervalMs?: number;
    readonly maxQueue?: number;
    readonly whenFull?: 'wait' | 'drop';
    readonly maxRetries?: number;
    readonly timeoutMs?: number;
  };
  readonly stream?: {
    readonly reconnectInitialMs?: number;
    readonly reconnectMaxMs?: number;
    readonly connectTimeoutMs?: number;
    readonly idleTimeoutMs?: number;
  };
  /** How long `verdict` waits for Warden (which waits WARDEN_VERDICT_TIMEOUT_MS itself). Default 5,000 ms. */
  readonly verdictTimeoutMs?: number;
  /** Called with each decision as the cache applies it, and when it arrived (epoch ms). */
  readonly onDecision?: (decision: DecisionStreamEvent, receivedAt: number) => void;
  /** Failures the client survives (a dropped stream, a dropped batch); default: none. */
  readonly onError?: (error: Error) => void;
  /** The clock, epoch ms (for tests). */
  readonly now?: () => number;
}

/** Warden's verdict on one attempt (`POST /v1/attempts?wait=verdict`). */
export type { Verdict };

/** The values `check` is asked about, as `/v1/check` takes them. */
export interface CheckQuery {
  readonly ip: string;
  readonly account?: string | undefined;
  readonly credentialFingerprint?: string | undefined;
}

export interface ClientState {
  readonly stream: StreamState;
  /** The cache follows the stream live. */
  readonly synced: boolean;
  /** Down longer than `staleAfterMs`, or never synced: `check` answers per `onUnavailable`. */
  readonly stale: boolean;
  /** When the last decision arrived (epoch ms), or null. */
  readonly lastEventAt: number | null;
  /** Since when the cache is not known to be current (epoch ms), null while synced. */
  readonly unsyncedSince: number | null;
  readonly bans: number;
  readonly cursor: string | undefined;
  readonly queuedAttempts: number;
}

export interface ClientCounters {
  readonly checks: { readonly cache: number; readonly remote: number; readonly remoteFailed: number; readonly open: number; readonly closed: number; readonly denied: number };
  readonly stream: Readonly<StreamCounters>;
  readonly report: Readonly<ReporterCounters>;
}

/**
 * The gateway library (DESIGN §1, §3): `check` from a local cache of Warden's decisions, fed by
 * `GET /v1/decisions/stream`; `report` attempts in batches; `verdict` for a login server that wants
 * Warden's decision on the attempt itself. Start it with `start()`, end it with `close()`.
 */
export class WardenClient {
  private readonly http: WardenHttp;
  private readonly follower: DecisionStreamFollower;
  private readonly reporter: AttemptReporter;
  private readonly cacheCheck: CacheCheck;
  private readonly mode: UnavailableMode;
  private readonly staleAfterMs: number;
  private readonly now: () => number;
  private readonly checkCounts = { cache: 0, remote: 0, remoteFailed: 0, open: 0, closed: 0, denied: 0 };

  constructor(private readonly options: WardenClientOptions) {
    this.http = new WardenHttp(options);
    this.cacheCheck = new CacheCheck(options.policy ?? DEFAULT_POLICY, options.addressCacheSize ?? 16_384);
    this.mode = options.onUnavailable ?? 'remote';
    this.staleAfterMs = options.staleAfterMs ?? 10_000;
    this.now = options.now ?? Date.now;
    const { stream = {}, report = {} } = options;
    this.follower = new DecisionStreamFollower(this.http, {
      backoff: { initialMs: stream.reconnectInitialMs ?? 250, maxMs: stream.reconnectMaxMs ?? 10_000 },
      connectTimeoutMs: stream.connectTimeoutMs ?? 5_000,
      idleTimeoutMs: stream.idleTimeoutMs ?? 40_000,
      sweepIntervalMs: 10_000,
      now: this.now,
      onDecision: options.onDecision,
      onError: options.onError,
    });
    this.reporter = new AttemptReporter(this.http, {
      batchSize: report.batchSize ?? 500,
      flushIntervalMs: report.flushIntervalMs ?? 50,
      maxQueue: report.maxQueue ?? 10_000,
      whenFull: report.whenFull ?? 'wait',
      maxRetries: report.maxRetries ?? 8,
      backoff: { initialMs: 100, maxMs: 5_000 },
      timeoutMs: report.timeoutMs ?? 5_000,
      now: this.now,
      onError: options.onError,
    });
  }

  /** Starts following the decision stream; `ready()` resolves once the cache is synced. */
  start(): this {
    this.follower.start();
    return this;
  }

  ready(): Promise<void> {
    return this.follower.synced();
  }

  /**
   * May this caller try to log in? From the cache, in microseconds, with `/v1/check`'s meaning;
   * synchronous unless the stream is stale and `onUnavailable` is `remote` (then a Promise): `await`
   * it either way. Throws InvalidIpAddressError for an `ip` that is no address.
   */
  check(query: CheckQuery): CheckResult | Promise<CheckResult> {
    const at = this.now();
    if (this.isStale(at)) {
      if (this.mode === 'open') {
        this.checkCounts.open++;
        return ALLOWED_OPEN;
      }
      if (this.mode === 'closed') {
        this.checkCounts.closed++;
        this.checkCounts.denied++;
        return deniedClosed(this.options.closedRetryAfterSeconds ?? 5);
      }
      return this.checkRemote(query, at);
    }
    return this.fromCache(query, at);
  }

  /** Queues attempts for `POST /v1/attempts`; resolves once queued (waits while the queue is full). */
  report(attempts: AttemptInput | readonly AttemptInput[]): Promise<void> {
    return this.reporter.report(Array.isArray(attempts) ? attempts : [attempts as AttemptInput]);
  }

  /** Sends every queued attempt now and waits for the answers. */
  flush(): Promise<void> {
    return this.reporter.flush();
  }

  /**
   * Reports one attempt and returns Warden's verdict on it (`?wait=verdict`): `gatewayStatus` 429 or
   * 401 when this attempt is refused. Resent with the same id after a 5xx or 504, so it counts once.
   */
  async verdict(attempt: AttemptInput): Promise<Verdict> {
    const sent = stamped(attempt, this.now());
    const timeoutMs = this.options.verdictTimeoutMs ?? 5_000;
    for (let retry = 0; ; retry++) {
      try {
        const body = (await this.http.postAttempts([sent], { wait: true, timeoutMs })) as { verdicts: Verdict[] };
        return body.verdicts[0]!;
      } catch (error) {
        if (!(error instanceof WardenUnavailableError) || retry >= 2) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(retry, { initialMs: 100, maxMs: 1_000 })));
      }
    }
  }

  state(): ClientState {
    const follower = this.follower;
    return {
      stream: follower.state,
      synced: follower.state === 'synced',
      stale: this.isStale(this.now()),
      lastEventAt: follower.lastEventAt,
      unsyncedSince: follower.unsyncedSince,
      bans: follower.cache.size,
      cursor: follower.cursor,
      queuedAttempts: this.reporter.queued,
    };
  }

  counters(): ClientCounters {
    return { checks: { ...this.checkCounts }, stream: { ...this.follower.counters }, report: { ...this.reporter.counters } };
  }

  /** Stops the stream and flushes the queued attempts. */
  async close(): Promise<void> {
    await Promise.all([this.follower.stop(), this.reporter.close()]);
  }

  private isStale(at: number): boolean {
    const since = this.follower.unsyncedSince;
    return !this.follower.everSynced || (since !== null && at - since > this.staleAfterMs);
  }

  private fromCache(query: CheckQuery, at: number): CheckResult {
    this.checkCounts.cache++;
    const result = this.cacheCheck.answer(this.follower.cache, query, at);
    if (!result.allowed) this.checkCounts.denied++;
    return result;
  }

  private async checkRemote(query: CheckQuery, at: number): Promise<CheckResult> {
    try {
      const { status, retryAfter } = await this.http.check(
        { ip: query.ip, account: query.account, credentialFingerprint: query.credentialFingerprint },
        this.options.remoteTimeoutMs ?? 1_000,
      );
      this.checkCounts.remote++;
      const result = resultOfRemote(status, retryAfter);
      if (!result.allowed) this.checkCounts.denied++;
      return result;
    } catch (error) {
      this.checkCounts.remoteFailed++;
      this.options.onError?.(error as Error);
      return this.fromCache(query, at);
    }
  }
}
