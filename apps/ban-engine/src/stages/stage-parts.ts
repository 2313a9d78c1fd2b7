import { Inject, Injectable } from '@nestjs/common';
import { MessageBus } from '#warden/kafka';
import { BansRepository, Database, StageCheckpointsRepository } from '#warden/persistence';
import { ReadinessRegistry, WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { BansSaga } from '../bans/bans.saga.js';
import { EngineMetrics } from './engine-metrics.js';

/** What every stage works with: the bus, the checkpoint and ban tables, the saga, metrics, readiness and the config. */
@Injectable()
export class StageParts {
  constructor(
    @Inject(MessageBus) readonly bus: MessageBus,
    @Inject(Database) readonly database: Database,
    @Inject(StageCheckpointsRepository) readonly checkpoints: StageCheckpointsRepository,
    @Inject(BansRepository) readonly bans: BansRepository,
    @Inject(EngineMetrics) readonly metrics: EngineMetrics,
    @Inject(BansSaga) readonly saga: BansSaga,
    @Inject(ReadinessRegistry) readonly readiness: ReadinessRegistry,
    @Inject(WARDEN_CONFIG) readonly config: WardenConfig,
  ) {}
}
