import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, 'up' | 'down'>;
  /** What stands behind a check where it is not what its name suggests: `bus: in-process`, `postgres: embedded`. */
  readonly parts: Record<string, string>;
}

/**
 * What `/health/ready` asks. Each piece of infrastructure an app uses registers a check (a real
 * call: a Kafka metadata request, a `SELECT 1`) and may say what it is; an app can also hold
 * readiness until its start-up work is done.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly parts = new Map<string, string>();

  register(name: string, check: ReadinessCheck, part?: string): void {
    this.checks.set(name, check);
    if (part !== undefined) this.parts.set(name, part);
  }

  /** Names what stands behind a registered check (the embedded mode's PostgreSQL server). */
  describe(name: string, part: string): void {
    this.parts.set(name, part);
  }

  async evaluate(): Promise<Readiness> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, (await check().catch(() => false)) ? 'up' : 'down'] as const),
    );
    return { ready: entries.every(([, state]) => state === 'up'), checks: Object.fromEntries(entries), parts: Object.fromEntries(this.parts) };
  }
}
