import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { loadPolicy, policyFromData, runBacktest, type BacktestReport, type BacktestTiming } from '#warden/ban-policy';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import type { PolicyBacktestQuery } from '#warden/contracts';
import { ProblemError, problem } from '#warden/http-kit';
import { LoginAttemptsRepository } from '#warden/persistence';

export interface PolicyBacktestResponse extends BacktestReport {
  /** How long the replay took: the one part that differs between two runs on the same attempts. */
  readonly timing: BacktestTiming;
}

/**
 * `POST /v1/policy/backtest`: the candidate policy (a policy file, as JSON or YAML) replayed on the
 * recorded attempts of the span beside the running policy (WARDEN_POLICY with WARDEN_ALLOWLIST).
 */
@Injectable()
export class PolicyBacktestService {
  constructor(
    @Inject(LoginAttemptsRepository) private readonly attempts: LoginAttemptsRepository,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  async backtest(body: unknown, query: PolicyBacktestQuery): Promise<PolicyBacktestResponse> {
    const loaded = typeof body === 'string' ? loadPolicy(body, 'yaml') : policyFromData(body ?? {});
    if (!loaded.ok) {
      const errors = loaded.errors.map((line) => {
        const at = line.indexOf(': ');
        return at < 0 ? { field: '(policy)', message: line } : { field: line.slice(0, at), message: line.slice(at + 2) };
      });
      throw new ProblemError(problem(400, 'invalid_policy', `Invalid policy: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`, errors));
    }
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    const { report, timing } = await runBacktest(this.attempts.stream({ from, to }), this.config.policy, loaded.policy, {
      clock: () => performance.now(),
      sample: query.limit,
    });
    return { ...report, timing };
  }
}
