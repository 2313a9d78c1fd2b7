import { Body, Controller, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import type { Verdict } from '#warden/contracts';
import { ProblemError, problem, RequireScope } from '#warden/http-kit';
import { parseAttemptBatch } from './attempt-batch.js';
import { SubmitAttemptsService } from './submit-attempts.service.js';

@Controller('v1/attempts')
export class SubmitAttemptsHttpController {
  constructor(
    @Inject(SubmitAttemptsService) private readonly service: SubmitAttemptsService,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  /** 202 `{accepted, ids}`; with `?wait=verdict`, 200 `{verdicts}` once the engine decided them (504 after the timeout). */
  @Post()
  @HttpCode(202)
  @RequireScope('attempts:write')
  async submit(
    @Body() body: unknown,
    @Query('wait') wait: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ accepted: number; ids: string[] } | { verdicts: Verdict[] }> {
    if (wait !== undefined && wait !== 'verdict') {
      throw new ProblemError(problem(400, 'validation_failed', 'wait may only be "verdict".', [{ field: 'wait', message: 'must be "verdict"' }]));
    }
    const batch = parseAttemptBatch(body);
    if (!batch.ok) throw new ProblemError(problem(batch.status, batch.errorCode, batch.detail, batch.errors));
    if (wait === undefined) {
      const events = await this.service.submit(batch.attempts, new Date());
      return { accepted: events.length, ids: events.map((event) => event.id) };
    }
    const timeoutMs = this.config.verdictTimeoutMs;
    const verdicts = await this.service.submitAndWait(batch.attempts, new Date(), timeoutMs);
    if (!verdicts) {
      throw new ProblemError(
        problem(504, 'verdict_timeout', `The attempts were accepted, but the engine's verdicts did not come within ${timeoutMs} ms.`),
      );
    }
    void reply.code(200);
    return { verdicts };
  }
}
