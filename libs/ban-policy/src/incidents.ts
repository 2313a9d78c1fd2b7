import { formatDuration } from './duration.js';
import { uuidFromParts } from '#warden/contracts';
import type { Incident, IncidentType } from './outcome.types.js';
import type { Policy, PolicyRule, RuleKind, RuleReasons, SubjectScope } from './policy.types.js';

export interface IncidentFacts {
  readonly type: IncidentType;
  readonly subject: string;
  readonly scope: SubjectScope;
  readonly rule: PolicyRule;
  readonly level: number;
  readonly until: number;
  readonly attemptId: string;
  readonly attemptIds: readonly string[];
  readonly at: number;
  /** The threshold was reached (rather than a failed attempt made while banned). */
  readonly thresholdReached: boolean;
}

const COUNTED: Readonly<Record<RuleKind, string>> = {
  'failures-in-a-row': 'failures in a row',
  failures: 'failures',
  attempts: 'attempts',
  'distinct-accounts': 'accounts failed',
  'identical-credential': 'failures with the same credential',
};

export function buildIncident(facts: IncidentFacts, policy: Policy): Incident {
  const { type, subject, rule, level, attemptId } = facts;
  const simulated = rule.mode === 'simulate';
  return {
    id: uuidFromParts(type, subject, rule.name, String(level), attemptId, simulated ? 'simulated' : 'enforced'),
    type,
    severity: severityOf(type, level),
    subject,
    scope: facts.scope,
    rule: rule.name,
    level,
    until: facts.until,
    attemptIds: facts.attemptIds,
    actor: 'policy',
    reason: reasonOf(facts),
    at: facts.at,
    simulated,
    policyVersion: policy.version,
  };
}

function severityOf(type: IncidentType, level: number): Incident['severity'] {
  if (type === 'allowlist_hit') return 'low';
  return type === 'ban_escalated' || level >= 3 ? 'high' : 'medium';
}

/** The reasons of a rule's incidents, made once when the policy is compiled (`PolicyRule.reasons`). */
export function ruleReasons(rule: Pick<PolicyRule, 'name' | 'mode' | 'threshold' | 'kind' | 'windowMs'>): RuleReasons {
  const suffix = ` (${rule.name})${rule.mode === 'simulate' ? ' [simulated]' : ''}`;
  const threshold = `${rule.threshold} ${COUNTED[rule.kind]} within ${formatDuration(rule.windowMs)}`;
  return {
    threshold: `${threshold}${suffix}`,
    whileBanned: `a further failed attempt while banned${suffix}`,
    allowlisted: `${threshold}${suffix}: allowlisted, not banned`,
  };
}

function reasonOf(facts: IncidentFacts): string {
  const { reasons } = facts.rule;
  if (facts.type === 'allowlist_hit') return reasons.allowlisted;
  return facts.thresholdReached ? reasons.threshold : reasons.whileBanned;
}
