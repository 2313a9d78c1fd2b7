import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a record went to `auth.dlq`: a bounded label (`processing_failed`: it kept failing, see handleWithBreaker). */
export type DeadLetterReason = 'tombstone' | 'not_json' | 'invalid_record' | 'processing_failed';

/** A record a decoder could not read, with the reason counted in `warden_dlq_records_total`. */
export class UnreadableRecordError extends Error {
  constructor(
    readonly reason: DeadLetterReason,
    message: string,
  ) {
    super(message);
  }
}

export const deadLetterReasonOf = (error: unknown): DeadLetterReason => (error instanceof UnreadableRecordError ? error.reason : 'invalid_record');

/**
 * What a message bus shows in `/metrics`: records sent to the DLQ, by topic and reason, and each
 * consumer group's lag per partition (records behind the partition's end), both buses alike.
 */
export class BusMetrics {
  private readonly deadLetters: Counter<'topic' | 'reason'>;
  private readonly lag: Gauge<'topic' | 'partition' | 'group'>;

  constructor(registry: Registry) {
    this.deadLetters = new Counter({
      name: 'warden_dlq_records_total',
      help: 'Records that could not be read, or kept failing, and went to auth.dlq, by the topic they came from and why',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    });
    this.lag = new Gauge({
      name: 'warden_consumer_lag_records',
      help: "Records of a partition not yet handled by a consumer group (the partition's end minus the group's position), as of its last batch",
      labelNames: ['topic', 'partition', 'group'],
      registers: [registry],
    });
  }

  deadLettered(topic: string, reasons: readonly DeadLetterReason[]): void {
    for (const reason of reasons) this.deadLetters.inc({ topic, reason });
  }

  consumerLag(topic: string, partition: number, group: string, records: number): void {
    this.lag.set({ topic, partition: String(partition), group }, Math.max(0, records));
  }
}
