import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ProblemError, problem, RequireScope } from '#warden/http-kit';
import { parseAttemptBatch } from './attempt-batch.js';
import { SubmitAttemptsService } from './submit-attempts.service.js';

@Controller('v1/attempts')
export class SubmitAttemptsHttpController {
  constructor(@Inject(SubmitAttemptsService) private readonly service: SubmitAttemptsService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('attempts:write')
  async submit(@Body() body: unknown): Promise<{ accepted: number; ids: string[] }> {
    const batch = parseAttemptBatch(body);
    if (!batch.ok) throw new ProblemError(problem(batch.status, batch.errorCode, batch.detail, batch.errors));
    const events = await this.service.submit(batch.attempts, new Date());
    return { accepted: events.length, ids: events.map((event) => event.id) };
  }
}
