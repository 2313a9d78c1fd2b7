/**
 * What the tools around a gateway need of the ban policy without a running Warden: reading and
 * checking a policy file against the defaults, durations as policies write them, and the report a
 * backtest returns. The `warden` command reaches the policy library only through here.
 */
export {
  DEFAULT_POLICY,
  DEFAULT_POLICY_DOCUMENT,
  loadPolicy,
  parseDuration,
  policyFormatOf,
  type BacktestReport,
  type PolicyDocument,
  type PolicyResult,
  type RuleDocument,
} from '#warden/ban-policy';
