import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminCommandsConsumer } from './admin/admin-commands.consumer.js';
import { ApplyAdminCommandHandler } from './admin/apply-admin-command/apply-admin-command.handler.js';
import { LoginAttemptsConsumer } from './attempts/login-attempts.consumer.js';
import { RecordAttemptsHandler } from './attempts/record-attempts/record-attempts.handler.js';
import { AnnounceBanHandler, EscalateBanHandler, ImposeBanHandler } from './bans/ban-step.handlers.js';
import { BansSaga } from './bans/bans.saga.js';
import { SagaErrorGuard } from './bans/saga-errors.js';
import { BanExpiryScheduler } from './expiry/ban-expiry.scheduler.js';
import { ExpireBansHandler } from './expiry/expire-bans.handler.js';
import { RetentionScheduler } from './retention/retention.scheduler.js';

/** The single writer of bans. Needs MessagingModule, PersistenceModule and the RuntimeModule. */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    LoginAttemptsConsumer,
    RecordAttemptsHandler,
    BansSaga,
    SagaErrorGuard,
    ImposeBanHandler,
    EscalateBanHandler,
    AnnounceBanHandler,
    AdminCommandsConsumer,
    ApplyAdminCommandHandler,
    BanExpiryScheduler,
    ExpireBansHandler,
    RetentionScheduler,
  ],
})
export class BanEngineModule {}
