import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { normalizeIp } from '#warden/ban-policy';
import { LOGIN_ATTEMPT_SCHEMA_VERSION, Topic, type AttemptInput, type LoginAttemptEvent } from '#warden/contracts';
import { MessageBus } from '#warden/kafka';

/**
 * Turns reported attempts into `auth.login-attempts` records: an id where the gateway gave none,
 * `occurredAt` now where absent, `receivedAt` now; keyed by the normalized IP so that one IP's
 * attempts stay in order on one partition.
 */
@Injectable()
export class SubmitAttemptsService {
  private readonly accepted: Counter;

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(Registry) registry: Registry,
  ) {
    this.accepted = new Counter({ name: 'warden_attempts_accepted_total', help: 'Attempts accepted by POST /v1/attempts', registers: [registry] });
  }

  async submit(attempts: readonly AttemptInput[], receivedAt: Date): Promise<LoginAttemptEvent[]> {
    const received = receivedAt.toISOString();
    const events = attempts.map(
      (attempt): LoginAttemptEvent => ({
        ...attempt,
        schemaVersion: LOGIN_ATTEMPT_SCHEMA_VERSION,
        id: attempt.id ?? randomUUID(),
        occurredAt: attempt.occurredAt ? new Date(attempt.occurredAt).toISOString() : received,
        receivedAt: received,
      }),
    );
    await this.bus.publish(
      Topic.loginAttempts,
      events.map((event) => ({ key: normalizeIp(event.ip) ?? event.ip, value: JSON.stringify(event) })),
    );
    this.accepted.inc(events.length);
    return events;
  }
}
