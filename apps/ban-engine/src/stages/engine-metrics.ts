import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import type { StageName } from '#warden/ban-policy';
import type { BatchOutcome } from './batch-outcome.js';

/** The engine's metrics (docs/operations.md): what its stages took in and decided, and how current their checkpoints are. */
@Injectable()
export class EngineMetrics {
  private readonly attempts: Counter<'stage' | 'result'>;
  private readonly decisions: Counter<'rule' | 'decision' | 'mode'>;
  private readonly failures: Counter<'stage'>;
  private readonly eventLag: Gauge<'stage'>;
  private readonly lastCheckpoint = new Map<string, number>();

  constructor(@Inject(Registry) registry: Registry) {
    this.attempts = new Counter({
      name: 'warden_engine_attempts_total',
      help: 'Attempts a stage took in, by stage and result (decided, or repeated and answered with their first verdict); counted once checkpointed',
      labelNames: ['stage', 'result'],
      registers: [registry],
    });
    this.decisions = new Counter({
      name: 'warden_engine_decisions_total',
      help: 'What the policy decided, by rule, decision (ban_imposed, ban_escalated, allowlist_hit) and mode (enforce, simulate); counted once checkpointed',
      labelNames: ['rule', 'decision', 'mode'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'warden_engine_batch_failures_total',
      help: 'Batches whose work failed, by stage; they are not committed and come again',
      labelNames: ['stage'],
      registers: [registry],
    });
    this.eventLag = new Gauge({
      name: 'warden_engine_event_lag_seconds',
      help: 'How far behind now the latest event time of the last checkpointed batch was, by stage',
      labelNames: ['stage'],
      registers: [registry],
    });
    const lastCheckpoint = this.lastCheckpoint;
    new Gauge({
      name: 'warden_engine_checkpoint_age_seconds',
      help: 'Time since the oldest of the last checkpoints of the stage partitions this process owns, by stage and partition',
      labelNames: ['stage', 'partition'],
      registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        for (const [key, at] of lastCheckpoint) {
          const [stage, partition] = key.split('/');
          this.set({ stage: stage!, partition: partition! }, (now - at) / 1_000);
        }
      },
    });
  }

  checkpointed(stage: StageName, partition: number, outcome: BatchOutcome): void {
    this.lastCheckpoint.set(`${stage}/${partition}`, Date.now());
    this.attempts.inc({ stage, result: 'decided' }, outcome.decidedCount);
    if (outcome.repeatedCount > 0) this.attempts.inc({ stage, result: 'repeated' }, outcome.repeatedCount);
    for (const { rule, type, simulated } of outcome.policyDecisions) this.decisions.inc({ rule, decision: type, mode: simulated ? 'simulate' : 'enforce' });
    if (outcome.latestEventTime !== undefined) this.eventLag.set({ stage }, Math.max(0, Date.now() - outcome.latestEventTime) / 1_000);
  }

  failed(stage: StageName): void {
    this.failures.inc({ stage });
  }
}
