/**
 * The policy's memory of one subject, as plain JSON (numbers are epoch milliseconds) so the engine
 * can keep it in a Postgres jsonb column, one row per subject. Everything in it is bounded: a
 * counter keeps at most threshold − 1 event times and 20 attempt ids, an account at most
 * `repeatedSecret.remember` fingerprints.
 */
export interface SubjectState {
  /** The latest ban, kept after it ends so the level is remembered (escalation memory). */
  ban?: BanRecord;
  /** One counter per rule name. */
  rules?: Record<string, CounterState>;
  /** Account subjects: the last fingerprints that failed, most recent first (Entra smart lockout). */
  secrets?: SecretMemory;
}

/** The state of the subjects a batch touches, by subject string (each value is plain JSON). */
export type PolicyState = Map<string, SubjectState>;

export interface BanRecord {
  /** The rule that imposed or last escalated it, or `manual`. */
  rule: string;
  level: number;
  since: number;
  until: number;
  visible: boolean;
  /** The attempt (or admin command) that imposed or last escalated it. */
  attemptId: string;
  /** The policy version that decided it. */
  policy: string;
}

export interface CounterState {
  /** Event times of the counted attempts still relevant, ascending; at most threshold − 1. */
  t: number[];
  /** Ids of the most recent counted attempts, in arrival order: the evidence of an incident. */
  ids: string[];
  /** distinct-accounts only: the account (a short hash) of each entry of `t`. */
  a?: string[];
  /** failures-in-a-row only: event time of the latest success; no failure up to it counts. */
  reset?: number;
  /** Rules that forgive typos: the typo key (short hash of account|ip, '' without an account) of each entry of `t`. */
  k?: string[];
  /** Rules weighing failures against successes: the newest tally bucket (event time ÷ bucket width). */
  b?: number;
  /** …failures and successes per bucket, newest first (index i is bucket `b − i`). */
  f?: number[];
  s?: number[];
}

export interface SecretMemory {
  fps: string[];
  /** Event time of the latest failure that updated the memory. */
  at: number;
}

/** A copy deep enough that `decide` can change it without touching its caller's objects. */
export function cloneSubjectState(state: SubjectState | undefined): SubjectState {
  const copy: SubjectState = {};
  if (state === undefined) return copy;
  if (state.ban !== undefined) copy.ban = { ...state.ban };
  if (state.secrets !== undefined) copy.secrets = { fps: [...state.secrets.fps], at: state.secrets.at };
  if (state.rules !== undefined) {
    const rules: Record<string, CounterState> = {};
    for (const name in state.rules) {
      const counter = state.rules[name]!;
      const next: CounterState = { t: [...counter.t], ids: [...counter.ids] };
      if (counter.a !== undefined) next.a = [...counter.a];
      if (counter.reset !== undefined) next.reset = counter.reset;
      if (counter.k !== undefined) next.k = [...counter.k];
      if (counter.b !== undefined) {
        next.b = counter.b;
        next.f = [...(counter.f ?? [])];
        next.s = [...(counter.s ?? [])];
      }
      rules[name] = next;
    }
    copy.rules = rules;
  }
  return copy;
}
