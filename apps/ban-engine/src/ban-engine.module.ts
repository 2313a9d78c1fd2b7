import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoginAttemptsConsumer } from './attempts/login-attempts.consumer.js';
import { RecordAttemptsHandler } from './attempts/record-attempts/record-attempts.handler.js';

/** The single writer of bans. Needs MessagingModule, PersistenceModule and HttpKitModule. */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [LoginAttemptsConsumer, RecordAttemptsHandler],
})
export class BanEngineModule {}
