import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminCommandsConsumer } from './admin/admin-commands.consumer.js';
import { AttemptsArchiver } from './archiver/attempts-archiver.js';
import { EscalateBanHandler, ImposeBanHandler } from './bans/ban-step.handlers.js';
import { BansSaga } from './bans/bans.saga.js';
import { RetentionScheduler } from './retention/retention.scheduler.js';
import { AccountStage } from './stages/account-stage.js';
import { EngineMetrics } from './stages/engine-metrics.js';
import { NetworkStage } from './stages/network-stage.js';
import { StageParts } from './stages/stage-parts.js';

/**
 * The ban engine (DESIGN §2): the network and account stages, the admin-command router, the
 * attempt archiver, expiry and retention. The single writer of bans. Needs MessagingModule,
 * PersistenceModule and the RuntimeModule.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    EngineMetrics,
    StageParts,
    NetworkStage,
    AccountStage,
    BansSaga,
    ImposeBanHandler,
    EscalateBanHandler,
    AdminCommandsConsumer,
    AttemptsArchiver,
    RetentionScheduler,
  ],
})
export class BanEngineModule {}
