import { Controller, Get, Inject, Query } from '@nestjs/common';
import { incidentSearchQuerySchema, type IncidentPage } from '#warden/contracts';
import { RequireScope } from '#warden/http-kit';
import { parseInput } from '../http/parse-input.js';
import { SearchIncidentsService } from './search-incidents.service.js';

@Controller('v1/incidents')
export class SearchIncidentsHttpController {
  constructor(@Inject(SearchIncidentsService) private readonly service: SearchIncidentsService) {}

  @Get()
  @RequireScope('audit:read')
  search(@Query() query: unknown): Promise<IncidentPage> {
    return this.service.search(parseInput(incidentSearchQuerySchema, query, 'query'));
  }
}
