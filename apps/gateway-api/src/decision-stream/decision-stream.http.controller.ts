import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemError, problem, RequireScope } from '#warden/http-kit';
import { parseCursor } from './decision-cursor.js';
import { DecisionStreamService } from './decision-stream.service.js';

/** `GET /v1/decisions/stream`: server-sent events of ban decisions, resumable with `Last-Event-ID`. */
@Controller('v1/decisions/stream')
export class DecisionStreamHttpController {
  constructor(@Inject(DecisionStreamService) private readonly decisions: DecisionStreamService) {}

  @Get()
  @RequireScope('status:read')
  async stream(@Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const from = lastEventId === undefined || lastEventId.trim() === '' ? new Map<number, number>() : parseCursor(lastEventId);
    if (from === null) {
      throw new ProblemError(
        problem(400, 'invalid_last_event_id', 'Last-Event-ID must be an id this stream sent, e.g. 0:1532,1:977.', [
          { field: 'Last-Event-ID', message: 'is not a cursor of this stream' },
        ]),
      );
    }
    reply.hijack();
    await this.decisions.stream(reply.raw, from);
  }
}
