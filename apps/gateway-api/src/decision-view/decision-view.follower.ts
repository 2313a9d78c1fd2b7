import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import type { SubjectScope } from '#warden/ban-policy';
import { banDecisionRecordSchema, Topic } from '#warden/contracts';
import { ReadinessRegistry } from '#warden/runtime';
import { jsonRecordDecoder, MessageBus, type Following } from '#warden/kafka';
import { DecisionView } from './decision-view.js';

/** The scopes of `warden_active_bans`, each always present (0 when none). */
const SUBJECT_SCOPES: readonly SubjectScope[] = ['ip', 'range', 'account', 'account-ip', 'account-credential'];

/** Reads an `auth.ban-decisions` value; anything else is skipped with a warning. */
export const decodeBanDecision = jsonRecordDecoder(banDecisionRecordSchema, 'a ban decision');

const SWEEP_INTERVAL_MS = 10_000;
const PROGRESS_INTERVAL_MS = 5_000;

/**
 * Feeds the {@link DecisionView} from `auth.ban-decisions`: the whole compacted topic from its
 * beginning up to the end offsets seen at start — until then the gateway reports not ready — then
 * every new decision. Starts at bootstrap, after every module's init (the embedded mode seeds the
 * in-process topic from Postgres in its `onModuleInit`).
 */
@Injectable()
export class DecisionViewFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DecisionViewFollower.name);
  private following?: Following;
  private caughtUp = false;
  private sweeper?: NodeJS.Timeout;
  private progress?: NodeJS.Timeout;

  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(DecisionView) private readonly view: DecisionView,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(Registry) registry: Registry,
  ) {
    const decisions = view;
    new Gauge({
      name: 'warden_gateway_view_decisions',
      help: 'Decisions held in the gateway view (active and lifted bans not yet past their end)',
      registers: [registry],
      collect() {
        this.set(decisions.size);
      },
    });
    new Gauge({
      name: 'warden_active_bans',
      help: 'Bans in force now, by scope (lifted and expired ones not counted), as the gateway view holds them',
      labelNames: ['scope'],
      registers: [registry],
      collect() {
        this.reset();
        // Every scope, 0 included: an alert on one must not see it vanish.
        for (const scope of SUBJECT_SCOPES) this.set({ scope }, 0);
        for (const [scope, count] of decisions.activeBansByScope(Date.now())) this.set({ scope }, count);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('decision-view', async () => this.caughtUp);
    const started = Date.now();
    this.following = await this.bus.follow({
      topic: Topic.banDecisions,
      from: 'beginning',
      decode: decodeBanDecision,
      handle: (records) => this.view.apply(records),
    });
    this.progress = setInterval(() => this.logger.log({ msg: 'reading ban decisions', decisions: this.view.size }), PROGRESS_INTERVAL_MS);
    void this.following.caughtUp.then(() => {
      clearInterval(this.progress);
      this.caughtUp = true;
      this.logger.log({ msg: 'decision view caught up', decisions: this.view.size, ms: Date.now() - started });
    });
    this.sweeper = setInterval(() => this.view.sweep(Date.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.progress);
    await this.following?.stop();
    this.following = undefined;
  }
}
