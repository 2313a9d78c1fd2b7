import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { attemptTopicRecords } from '#warden/ban-policy';
import { LOGIN_ATTEMPT_SCHEMA_VERSION, type AttemptInput, type LoginAttemptEvent, type Verdict } from '#warden/contracts';
import { MessageBus, type OutgoingRecord, type TopicRecords } from '#warden/kafka';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { VerdictWaiter } from '../../verdicts/verdict-waiter.js';

/**
 * Turns reported attempts into records: an id where the gateway gave none, `occurredAt` now where
 * absent, `receivedAt` now; on `auth.login-attempts` keyed by the attempt's network (the policy's
 * range prefix: /24, /64), the partition of the engine's network stage that owns its `ip:` and
 * `range:` subjects, and, for an attempt that names an account, its copy on
 * `auth.attempts-by-account` keyed by the account, for the account stage (DESIGN §2). All in one
 * request; 202 once every record is acknowledged.
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
    const written = this.toRecords(attempts, receivedAt, false);
    await this.publish(written);
    return written.events;
  }

  /**
   * Submits the attempts and waits for the engine's verdict on each (`?wait=verdict`), in the
   * order sent; undefined when they did not all come within `timeoutMs`. The waiters are in place
   * before the attempts are published.
   */
  async submitAndWait(attempts: readonly AttemptInput[], receivedAt: Date, timeoutMs: number): Promise<Verdict[] | undefined> {
    const written = this.toRecords(attempts, receivedAt, true);
    const pending = this.verdicts.expect(written.events);
    try {
      await this.publish(written);
    } catch (error) {
      pending.cancel();
      throw error;
    }
    return pending.within(timeoutMs);
  }

  /** The attempts as events, and the records that carry them, by topic. */
  private toRecords(attempts: readonly AttemptInput[], receivedAt: Date, verdictWanted: boolean): WrittenAttempts {
    const received = receivedAt.toISOString();
    const events: LoginAttemptEvent[] = [];
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const input of attempts) {
      const event: LoginAttemptEvent = {
        ...input,
        schemaVersion: LOGIN_ATTEMPT_SCHEMA_VERSION,
        id: input.id ?? randomUUID(),
        occurredAt: input.occurredAt ? new Date(input.occurredAt).toISOString() : received,
        receivedAt: received,
        ...(verdictWanted ? { verdictWanted: true } : {}),
      };
      const { attempt, records } = attemptTopicRecords(event, this.config.policy);
      events.push(attempt);
      for (const { topic, key, value } of records) {
        let list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, (list = []));
        list.push({ key, value });
      }
    }
    return { events, batches: [...byTopic].map(([topic, records]) => ({ topic, records })) };
  }

  private async publish({ events, batches }: WrittenAttempts): Promise<void> {
    await this.bus.publishMany(batches);
    this.accepted.inc(events.length);
  }
}

interface WrittenAttempts {
  readonly events: LoginAttemptEvent[];
  readonly batches: TopicRecords[];
}
