/**
 * @warden/ban-policy — the pure ban policy of DESIGN §7: rules, windows, escalation, subjects.
 * No I/O, no clock, no Nest, no Prisma: time comes in with the attempts (epoch milliseconds).
 */
export type { PolicyAttempt } from './attempt.js';
export { decide, decideBatch, type BatchOutcome, type DecideResult } from './decide.js';
export { SubjectStates } from './subject-states.js';
export { banStatus, type ActiveBan } from './status.js';
export { sweepEndedBans } from './ended-bans.js';
export { RangePrefixCounter } from './range-prefixes.js';
export {
  checkSubjects,
  checkAddressOf,
  checkSubjectsAt,
  type CheckAddress,
  rangePrefixOfSubject,
  NO_RANGE_PREFIXES,
  type RangePrefixes,
  subjectKeysOf,
  subjectsOf,
  scopeOfSubject,
  InvalidIpAddressError,
  type SubjectQuery,
  type SubjectRef,
  type AttemptSubjects,
} from './subjects.js';
export { isPrunable, prunableAfter } from './prune.js';
export { imposeManualBan, liftBan, MANUAL_RULE, type ManualBan } from './manual-ban.js';
export { eventTime, retryAfterSeconds, MAX_LATENESS_MS } from './event-time.js';
// The input boundary's parsers, which the policy decides with (one IP parser for the product).
export { cidrContains, ipRange, normalizeIp, parseIp, parseCidr, normalizeAccount, type IpAddress, type Cidr } from '#warden/contracts';
export { isTrustedProxy, resolveClientAddress, type ClientAddress, type ForwardingHeaders } from './client-address.js';
export { DEFAULT_POLICY } from './default-policy.js';
export { parseDuration } from './duration.js';
export { DEFAULT_POLICY_DOCUMENT } from './default-policy.document.js';
export { loadPolicy, policyFromData, policyFormatOf, extendAllowlist, type PolicyFormat } from './policy-loader.js';
export type { PolicyResult } from './policy-compiler.js';
export type {
  Policy,
  PolicyRule,
  RuleReasons,
  PolicyDocument,
  RuleDocument,
  RuleKind,
  RuleMode,
  SubjectScope,
} from './policy.types.js';
export type { PolicyState, SubjectState, BanRecord, CounterState, SecretMemory } from './state.js';
export type {
  BanItem,
  BanStatus,
  Verdict,
  BanDecision,
  BanChange,
  Incident,
  IncidentType,
  IncidentSeverity,
  GatewayStatus,
} from './outcome.types.js';
export { PolicyBacktest } from './backtest/policy-backtest.js';
export { runBacktest, type BacktestProgress, type BacktestResult, type RunBacktestOptions } from './backtest/run-backtest.js';
export { parseAttemptLine, type AttemptLineResult } from './backtest/recorded-attempt-line.js';
export type { BacktestReport, BacktestTiming, GatewayAnswer, PolicySummary, BanSet, BanGroup, FalsePositive } from './backtest/backtest-report.types.js';
export {
  attemptTopicRecords,
  mergeVerdicts,
  networkKeyOf,
  networkOutcomeOf,
  ownerKeyOfSubject,
  rulesIgnoringSecretsOutsideAccount,
  stageOfSubject,
  stagePolicy,
  STAGE_SCOPES,
  type AttemptTopicRecord,
  type NetworkOutcome,
  type StageName,
} from './stages.js';
export { isActive } from './escalation.js';
