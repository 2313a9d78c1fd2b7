/** Kafka topics of DESIGN §6. Names take an optional prefix (`WARDEN_TOPIC_PREFIX`). */
export const Topic = {
  loginAttempts: 'auth.login-attempts',
  attemptsByAccount: 'auth.attempts-by-account',
  banDecisions: 'auth.ban-decisions',
  incidents: 'auth.incidents',
  verdicts: 'auth.verdicts',
  adminCommands: 'auth.admin-commands',
  dlq: 'auth.dlq',
} as const;

export type TopicName = (typeof Topic)[keyof typeof Topic];

export interface TopicSpec {
  readonly name: TopicName;
  /** Kafka topic configs, e.g. compaction or retention. */
  readonly config: Readonly<Record<string, string>>;
}

const HOUR_MS = 3_600_000;

export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: Topic.loginAttempts, config: { 'retention.ms': String(7 * 24 * HOUR_MS) } },
  // The account stage's input: account copies written by the attempts' producers, and attempts the network stage forwarded.
  { name: Topic.attemptsByAccount, config: { 'retention.ms': String(7 * 24 * HOUR_MS) } },
  // The gateway's view is rebuilt from this topic: only the latest state per subject matters.
  { name: Topic.banDecisions, config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' } },
  { name: Topic.incidents, config: { 'retention.ms': String(30 * 24 * HOUR_MS) } },
  // Verdicts only serve callers waiting on `?wait=verdict`: an hour is plenty.
  { name: Topic.verdicts, config: { 'retention.ms': String(HOUR_MS) } },
  { name: Topic.adminCommands, config: { 'retention.ms': String(7 * 24 * HOUR_MS) } },
  { name: Topic.dlq, config: { 'retention.ms': String(30 * 24 * HOUR_MS) } },
];
