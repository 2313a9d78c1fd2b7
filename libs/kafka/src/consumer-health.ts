/** A partition holding a batch this long without finishing it has stalled (DESIGN §8). */
export const STALL_AFTER_MS = 30_000;

export interface ConsumerHealthReport {
  /** The consumer group (unprefixed). */
  readonly group: string;
  readonly topic: string;
  /** False while the consumer is stopped, e.g. between a crash and its restart. */
  readonly running: boolean;
  /** Partitions that have held a batch for longer than {@link STALL_AFTER_MS}. */
  readonly stalledPartitions: readonly number[];
  /** Times the consumer was restarted after it crashed. */
  readonly restarts: number;
}

/** What a bus knows of one subscription's health: whether it runs, and which partitions have work in hand since when. */
export class ConsumerHealth {
  running = false;
  restarts = 0;
  private readonly busySince = new Map<number, number>();

  constructor(
    readonly group: string,
    readonly topic: string,
    private readonly now: () => number = Date.now,
  ) {}

  began(partition: number): void {
    if (!this.busySince.has(partition)) this.busySince.set(partition, this.now());
  }

  /** The batch in hand is done (committed) or given up (the partition left this member). */
  ended(partition: number): void {
    this.busySince.delete(partition);
  }

  report(): ConsumerHealthReport {
    const now = this.now();
    const stalledPartitions = [...this.busySince].filter(([, since]) => now - since > STALL_AFTER_MS).map(([partition]) => partition);
    return { group: this.group, topic: this.topic, running: this.running, stalledPartitions, restarts: this.restarts };
  }
}

/** A readiness check's answer for a subscription: running, with no stalled partition. */
export function isConsumerHealthy(consumer: { health(): ConsumerHealthReport } | undefined): boolean {
  if (consumer === undefined) return false;
  const report = consumer.health();
  return report.running && report.stalledPartitions.length === 0;
}
