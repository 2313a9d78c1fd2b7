import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { networkKeyOf } from '#warden/ban-policy';
import { LOGIN_ATTEMPT_SCHEMA_VERSION, Topic, type AttemptInput, type LoginAttemptEvent, type Verdict } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { VerdictWaiter } from '../../verdicts/verdict-waiter.js';

/**
 * Turns reported attempts into `auth.login-attempts` records: an id where the gateway gave none,
 * `occurredAt` now where absent, `receivedAt` now; keyed by the attempt's network (the policy's
 * range prefix: /24, /64), the partition of the engine's network stage that owns its `ip:` and
 * `range:` subjects (DESIGN §2).
 */
@Injectable()
export class SubmitAttemptsService {
  private readonly accepted: Counter;

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(Registry) registry: Registry,
    @Inject(VerdictWaiter) private readonly verdicts: VerdictWaiter,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {
    this.accepted = new Counter({ name: 'warden_attempts_accepted_total', help: 'Attempts accepted by POST /v1/attempts', registers: [registry] });
  }

  async submit(attempts: readonly AttemptInput[], receivedAt: Date): Promise<LoginAttemptEvent[]> {
    const events = this.toEvents(attempts, receivedAt);
    await this.publish(events);
    return events;
  }

  /**
   * Submits the attempts and waits for the engine's verdict on each (`?wait=verdict`), in the
   * order sent; undefined when they did not all come within `timeoutMs`. The waiters are in place
   * before the attempts are published.
   */
  async submitAndWait(attempts: readonly AttemptInput[], receivedAt: Date, timeoutMs: number): Promise<Verdict[] | undefined> {
    const events = this.toEvents(attempts, receivedAt);
    const pending = this.verdicts.expect(events.map((event) => event.id));
    try {
      await this.publish(events);
    } catch (error) {
      pending.cancel();
      throw error;
    }
    return pending.within(timeoutMs);
  }

  private toEvents(attempts: readonly AttemptInput[], receivedAt: Date): LoginAttemptEvent[] {
    const received = receivedAt.toISOString();
    return attempts.map(
      (attempt): LoginAttemptEvent => ({
        ...attempt,
        schemaVersion: LOGIN_ATTEMPT_SCHEMA_VERSION,
        id: attempt.id ?? randomUUID(),
        occurredAt: attempt.occurredAt ? new Date(attempt.occurredAt).toISOString() : received,
        receivedAt: received,
      }),
    );
  }

  private async publish(events: readonly LoginAttemptEvent[]): Promise<void> {
    await this.bus.publish(
      Topic.loginAttempts,
      events.map((event) => ({ key: networkKeyOf(event.ip, this.config.policy), value: JSON.stringify(event) })),
    );
    this.accepted.inc(events.length);
  }
}
