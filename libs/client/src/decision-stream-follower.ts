import { DECISION_STREAM_EPOCH_HEADER, decisionStreamEventSchema, type DecisionStreamEvent } from '#warden/contracts';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { DecisionCache } from './decision-cache.js';
import { ServerSentEventParser, type ServerSentEvent } from './server-sent-events.js';
import { WardenRefusedError, type WardenHttp } from './warden-http.js';

/** `connecting` → `syncing` (reading the backlog) → `synced` (following live); `down` between connections. */
export type StreamState = 'connecting' | 'syncing' | 'synced' | 'down' | 'closed';

export interface StreamFollowerOptions {
  readonly backoff: BackoffOptions;
  readonly connectTimeoutMs: number;
  /** No byte for this long and the connection is taken for dead (the server sends a comment every 15 s). */
  readonly idleTimeoutMs: number;
  readonly sweepIntervalMs: number;
  readonly now: () => number;
  readonly onDecision?: (decision: DecisionStreamEvent, receivedAt: number) => void;
  readonly onError?: (error: Error) => void;
}

export interface StreamCounters {
  decisions: number;
  connects: number;
  disconnects: number;
  /** Full replays after the server's offsets started over (a new epoch) or refused the cursor. */
  resyncs: number;
  malformed: number;
}

type ConnectionEnd = 'was-synced' | 'failed' | 'resync' | 'stopped';

/**
 * Follows `GET /v1/decisions/stream` into a {@link DecisionCache}. After a disconnect it resumes
 * from the last event id with backoff, so no decision is missed. When there is no cursor to
 * resume from (the first connection, or the server's offsets started over: another
 * `Warden-Stream-Epoch`, a cursor refused), it reads the whole backlog into a new cache and swaps
 * it in at `synced`, so bans lifted meanwhile go too; until then the old cache keeps answering.
 */
export class DecisionStreamFollower {
  cache = new DecisionCache();
  state: StreamState = 'connecting';
  /** The id to resume from: the last event id of the live cache. */
  cursor: string | undefined;
  lastEventAt: number | null = null;
  /** Since when the cache has not been known to be current; null while synced. */
  unsyncedSince: number | null;
  everSynced = false;
  readonly counters: StreamCounters = { decisions: 0, connects: 0, disconnects: 0, resyncs: 0, malformed: 0 };
  private epoch: string | undefined;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  private sweeper?: NodeJS.Timeout;
  private readonly syncedWaiters: Array<() => void> = [];

  constructor(
    private readonly http: WardenHttp,
    private readonly options: StreamFollowerOptions,
  ) {
    this.unsyncedSince = options.now();
  }

  start(): void {
    this.loop = this.run();
    this.sweeper = setInterval(() => this.cache.sweep(this.options.now()), this.options.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Resolves once the cache is synced (now, if it is). */
  synced(): Promise<void> {
    if (this.state === 'synced') return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.stopping.abort();
    await this.loop;
    this.state = 'closed';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      const end = await this.connectOnce();
      if (end === 'stopped' || this.stopping.signal.aborted) return;
      this.state = 'down';
      if (end === 'resync') continue;
      if (end === 'was-synced') failures = 0;
      await this.pause(backoffDelay(failures++, this.options.backoff));
    }
  }

  private async connectOnce(): Promise<ConnectionEnd> {
    const resuming = this.cursor !== undefined;
    const connection = new AbortController();
    const signal = AbortSignal.any([this.stopping.signal, connection.signal]);
    this.state = 'connecting';
    this.counters.connects++;
    let response: Response;
    try {
      response = await this.http.openDecisionStream(this.cursor, signal, this.options.connectTimeoutMs);
    } catch (error) {
      if (this.stopping.signal.aborted) return 'stopped';
      if (resuming && error instanceof WardenRefusedError && error.status === 400) return this.startOver();
      this.options.onError?.(error as Error);
      return 'failed';
    }
    const epoch = response.headers.get(DECISION_STREAM_EPOCH_HEADER) ?? undefined;
    if (resuming && epoch !== this.epoch) {
      await response.body?.cancel().catch(() => undefined);
      return this.startOver();
    }
    this.epoch = epoch;
    this.state = 'syncing';
    // Resuming: the backlog since the cursor goes into the live cache. Else a new cache, swapped in at `synced`.
    const target = resuming ? this.cache : new DecisionCache();
    let synced = false;
    const parser = new ServerSentEventParser(this.cursor ?? '');
    const dispatch = (event: ServerSentEvent) => {
      if (event.event === 'decision') this.applyDecision(target, event.data);
      else if (event.event === 'synced') {
        this.cache = target;
        synced = true;
        this.markSynced();
      }
      if (target === this.cache && event.id !== '') this.cursor = event.id;
    };
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(), this.options.idleTimeoutMs);
    };
    try {
      armIdle();
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        armIdle();
        parser.push(decoder.decode(chunk, { stream: true }), dispatch);
      }
    } catch (error) {
      if (this.stopping.signal.aborted) return 'stopped';
      if (!connection.signal.aborted) this.options.onError?.(error as Error);
    } finally {
      clearTimeout(idle);
    }
    if (this.stopping.signal.aborted) return 'stopped';
    this.counters.disconnects++;
    if (synced) this.unsyncedSince = this.options.now();
    return synced ? 'was-synced' : 'failed';
  }

  private applyDecision(target: DecisionCache, data: string): void {
    let decision: DecisionStreamEvent;
    try {
      decision = decisionStreamEventSchema.parse(JSON.parse(data));
    } catch (error) {
      this.counters.malformed++;
      this.options.onError?.(new Error(`skipped an unreadable decision event: ${String(error).slice(0, 200)}`));
      return;
    }
    target.apply(decision);
    this.counters.decisions++;
    const at = this.options.now();
    this.lastEventAt = at;
    this.options.onDecision?.(decision, at);
  }

  private markSynced(): void {
    this.state = 'synced';
    this.everSynced = true;
    this.unsyncedSince = null;
    for (const resolve of this.syncedWaiters.splice(0)) resolve();
  }

  /** The server's offsets are not the cursor's: read everything again. */
  private startOver(): ConnectionEnd {
    this.cursor = undefined;
    this.counters.resyncs++;
    return 'resync';
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopping.signal.addEventListener('abort', done);
    });
  }
}
