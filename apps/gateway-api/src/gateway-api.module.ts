import { Module } from '@nestjs/common';
import { SubmitAttemptsHttpController } from './attempts/submit-attempts/submit-attempts.http.controller.js';
import { SubmitAttemptsService } from './attempts/submit-attempts/submit-attempts.service.js';

/** The gateways' HTTP face. Needs a MessageBus (MessagingModule) and the HttpKitModule. */
@Module({
  controllers: [SubmitAttemptsHttpController],
  providers: [SubmitAttemptsService],
})
export class GatewayApiModule {}
