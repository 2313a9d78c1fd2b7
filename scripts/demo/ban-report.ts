import type { VerdictRecord } from '#warden/contracts';
import { humanDuration } from '../../apps/cli/src/output/human-duration.js';
import type { Scenario } from './demo-traffic.js';
import type { StatusAnswer } from './warden-client.js';

/** What the demo found for one attack: its probe's status once the ban showed, or null if it never did. */
export interface AttackOutcome {
  readonly scenario: Scenario;
  readonly status: StatusAnswer | null;
}

/** `1927` → `1,927`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The bans each attack caused, one line per ban: subject, rule, level, what a gateway answers, Retry-After. */
export function banReport(outcomes: readonly AttackOutcome[], timeoutMs: number): string[] {
  const rows = outcomes.map(({ status }) =>
    (status?.bans ?? []).map((ban) => [
      ban.subject,
      ban.rule,
      `level ${ban.level}`,
      ban.visible ? 'visible (429)' : 'invisible (401)',
      `Retry-After ${ban.retryAfter} s (${humanDuration(ban.retryAfter)})`,
    ]),
  );
  const widths = rows.flat().reduce((max, row) => row.map((cell, i) => Math.max(cell.length, max[i] ?? 0)), [] as number[]);
  const line = (row: string[]) => `    ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}`;
  return outcomes.flatMap(({ scenario, status }, k) => [
    `  ${scenario.name}`,
    ...(status === null ? [`    no ${scenario.expected!.rule} ban within ${timeoutMs / 1_000} s`] : rows[k]!.map(line)),
  ]);
}

/** How Warden told the gateway to answer the attempts: as usual, 429, or 401. */
export function verdictSummary(verdicts: readonly VerdictRecord[]): string {
  const answered = (status: VerdictRecord['gatewayStatus']) => count(verdicts.filter((verdict) => verdict.gatewayStatus === status).length);
  return (
    `Verdicts: ${answered(null)} attempts answered as usual, ${answered(429)} with 429 + Retry-After, ` +
    `${answered(401)} with 401 (an invisible ban: the attacker cannot tell)`
  );
}
