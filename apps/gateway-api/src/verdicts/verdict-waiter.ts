import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Topic, verdictRecordSchema, type LoginAttemptEvent, type Verdict, type VerdictRecord } from '#warden/contracts';
import { ReadinessRegistry } from '#warden/runtime';
import { jsonRecordDecoder, MessageBus, type Following } from '#warden/kafka';
import { mergeVerdictParts, verdictOf } from './verdict-parts.js';


export interface PendingVerdicts {
  /** The verdicts in the order of the ids, or undefined when not all came within `ms`. */
  within(ms: number): Promise<Verdict[] | undefined>;
  cancel(): void;
}

const decodeVerdict = jsonRecordDecoder(verdictRecordSchema, 'a verdict');

/**
 * Waits for the engine's verdicts on `auth.verdicts` for `POST /v1/attempts?wait=verdict`. Every
 * gateway instance follows every partition from the end offsets at its start (no shared group), so
 * whichever instance took the attempts sees their verdicts. Waiters are registered before the
 * attempts are published, so a fast verdict cannot be missed.
 */
@Injectable()
export class VerdictWaiter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly waiters = new Map<string, Set<(verdict: VerdictRecord) => void>>();
  private following?: Following;
  private readonly logger = new Logger(VerdictWaiter.name);

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('verdicts', async () => this.following !== undefined);
    this.following = await this.bus.follow({
      topic: Topic.verdicts,
      from: 'end',
      decode: decodeVerdict,
      handle: (records) => {
        for (const { value } of records) this.waiters.get(value.attemptId)?.forEach((deliver) => deliver(value));
      },
    });
    this.logger.log({ msg: 'following verdicts', topic: Topic.verdicts });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.following?.stop();
    this.following = undefined;
  }

  /** Waits for the verdicts of these attempts: of one written to both stages' topics (`accountCopy`), for both parts. */
  expect(attempts: readonly LoginAttemptEvent[]): PendingVerdicts {
    const partsOf = new Map(attempts.map((attempt) => [attempt.id, attempt.accountCopy === true]));
    const wanted = new Set(partsOf.keys());
    const received = new Map<string, Verdict>();
    const halves = new Map<string, VerdictRecord>();
    let complete!: () => void;
    const all = new Promise<void>((resolve) => (complete = resolve));
    const deliver = (record: VerdictRecord) => {
      const id = record.attemptId;
      if (received.has(id)) return;
      if (partsOf.get(id) === true && record.part !== undefined) {
        const other = halves.get(id);
        // A part waits for the other stage's (a copy of the same part is the same).
        if (other === undefined || other.part === record.part) {
          halves.set(id, record);
          return;
        }
        const [network, account] = record.part === 'network' ? [record, other] : [other, record];
        received.set(id, mergeVerdictParts(verdictOf(network), verdictOf(account)));
      } else {
        received.set(id, verdictOf(record));
      }
      if (received.size === wanted.size) complete();
    };
    for (const id of wanted) {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(deliver);
    }
    const cancel = () => {
      for (const id of wanted) {
        const set = this.waiters.get(id);
        set?.delete(deliver);
        if (set?.size === 0) this.waiters.delete(id);
      }
    };
    return {
      cancel,
      within: async (ms) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
        await Promise.race([all, timeout]);
        clearTimeout(timer);
        cancel();
        return received.size === wanted.size ? attempts.map(({ id }) => received.get(id)!) : undefined;
      },
    };
  }
}
