import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { incidentExportQuerySchema } from '#warden/contracts';
import { LimitConcurrency, RequireScope } from '#warden/http-kit';
import { parseInput } from '../http/parse-input.js';
import { ExportIncidentsService } from './export-incidents.service.js';

@Controller('v1/incidents/export')
export class ExportIncidentsHttpController {
  constructor(@Inject(ExportIncidentsService) private readonly service: ExportIncidentsService) {}

  @Get()
  @RequireScope('audit:read')
  @LimitConcurrency('incident-export')
  async export(@Query() query: unknown, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const { contentType, fileName, body, head } = await this.service.export(parseInput(incidentExportQuerySchema, query, 'query'));
    // The head travels with the evidence: whoever keeps the file can later ask `verify?head=` with it.
    if (head !== null) reply.header('Warden-Audit-Head', head);
    return reply.type(contentType).header('Content-Disposition', `attachment; filename="${fileName}"`).send(body);
  }
}
