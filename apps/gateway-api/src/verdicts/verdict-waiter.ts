import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Topic, verdictRecordSchema, type Verdict, type VerdictRecord } from '#warden/contracts';
import { ReadinessRegistry } from '#warden/runtime';
import { jsonRecordDecoder, MessageBus, type Following } from '#warden/kafka';


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

  expect(attemptIds: readonly string[]): PendingVerdicts {
    const wanted = new Set(attemptIds);
    const received = new Map<string, Verdict>();
    let complete!: () => void;
    const all = new Promise<void>((resolve) => (complete = resolve));
    const deliver = ({ schemaVersion: _version, ...verdict }: VerdictRecord) => {
      received.set(verdict.attemptId, verdict);
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
        return received.size === wanted.size ? attemptIds.map((id) => received.get(id)!) : undefined;
      },
    };
  }
}
