import { Module } from '@nestjs/common';
import { SubmitAttemptsHttpController } from './attempts/submit-attempts/submit-attempts.http.controller.js';
import { SubmitAttemptsService } from './attempts/submit-attempts/submit-attempts.service.js';
import { BadKeyReportsService } from './bad-keys/bad-key-reports.service.js';
import { BanLookupService } from './ban-lookup/ban-lookup.service.js';
import { CheckFastRoute } from './check/check.fast-route.js';
import { CheckHttpController } from './check/check.http.controller.js';
import { CheckService } from './check/check.service.js';
import { DecisionStreamHttpController } from './decision-stream/decision-stream.http.controller.js';
import { DecisionStreamService } from './decision-stream/decision-stream.service.js';
import { DecisionView } from './decision-view/decision-view.js';
import { DecisionViewFollower } from './decision-view/decision-view.follower.js';
import { StatusHttpController } from './status/status.http.controller.js';
import { VerdictWaiter } from './verdicts/verdict-waiter.js';

/**
 * The gateways' HTTP face: attempts in (optionally waiting for verdicts), check and status answered
 * from an in-memory view of `auth.ban-decisions`, and a stream of decisions. Needs a MessageBus
 * (MessagingModule) and the HTTP API setup (apiHttp of libs/http-kit).
 */
@Module({
  controllers: [SubmitAttemptsHttpController, CheckHttpController, StatusHttpController, DecisionStreamHttpController],
  providers: [
    SubmitAttemptsService,
    VerdictWaiter,
    DecisionView,
    DecisionViewFollower,
    BanLookupService,
    CheckService,
    CheckFastRoute,
    DecisionStreamService,
    BadKeyReportsService,
  ],
})
export class GatewayApiModule {}
