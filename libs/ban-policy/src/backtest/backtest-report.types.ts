import type { SubjectScope } from '../policy.types.js';

/** What a gateway was told: `allow` (no ban applied), 401 (invisible ban) or 429 (visible, or the trigger). */
export type GatewayAnswer = 'allow' | '401' | '429';

/** One policy's side of a backtest. */
export interface PolicySummary {
  readonly policyVersion: string;
  /** `subjects`: distinct subjects banned; `imposed`/`escalated`: ban decisions of each kind; `byRule`: distinct subject bans per rule. */
  readonly bans: { readonly subjects: number; readonly imposed: number; readonly escalated: number; readonly byRule: Readonly<Record<string, number>> };
  readonly answers: Readonly<Record<GatewayAnswer, number>>;
}

/** Bans (subject and rule) of one rule and scope, the first `sample` subjects in the order banned. */
export interface BanGroup {
  readonly rule: string;
  readonly scope: SubjectScope;
  readonly count: number;
  readonly subjects: readonly string[];
}

export interface BanSet {
  readonly count: number;
  readonly byRule: readonly BanGroup[];
}

export type FalsePositive =
  | { readonly subject: string; readonly rule: string; readonly reason: 'later-success'; readonly account: string; readonly ip: string }
  | { readonly subject: string; readonly rule: string; readonly reason: 'network-succeeds-more'; readonly successes: number; readonly failures: number };

/** The deterministic part of a backtest: equal attempts and policies give a byte-identical JSON text. */
export interface BacktestReport {
  readonly attempts: number;
  /** Event times of the first and last attempt replayed (ISO-8601), null when there were none. */
  readonly from: string | null;
  readonly to: string | null;
  readonly baseline: PolicySummary;
  readonly candidate: PolicySummary;
  readonly diff: {
    readonly onlyCandidate: BanSet;
    readonly onlyBaseline: BanSet;
    /** Subjects the candidate bans that later had a success of the trigger's account from its IP, or networks that succeed more than they fail after their ban. */
    readonly likelyFalsePositives: { readonly count: number; readonly items: readonly FalsePositive[] };
    /** Subjects the baseline bans and the candidate does not ban at all. */
    readonly attacksLetThrough: { readonly count: number; readonly subjects: ReadonlyArray<{ readonly subject: string; readonly rule: string }> };
    readonly answeredDifferently: {
      readonly count: number;
      /** e.g. `allow→401`: the baseline allowed, the candidate answered 401. */
      readonly byChange: Readonly<Record<string, number>>;
      readonly perMinute: ReadonlyArray<{ readonly minute: string; readonly count: number }>;
    };
    /** Ban decisions (imposed or escalated) of each policy per minute of event time: the two curves of a chart. */
    readonly bansPerMinute: ReadonlyArray<{ readonly minute: string; readonly baseline: number; readonly candidate: number }>;
  };
}

/** How long the replay took: the one part of a backtest's output that differs from run to run. */
export interface BacktestTiming {
  readonly attempts: number;
  readonly durationMs: number;
  readonly attemptsPerSecond: number;
}
