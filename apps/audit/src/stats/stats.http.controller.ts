import { Controller, Get, Inject, Query } from '@nestjs/common';
import { statsQuerySchema, type Stats } from '#warden/contracts';
import { LimitConcurrency, RequireScope } from '#warden/http-kit';
import { parseInput } from '../http/parse-input.js';
import { StatsService } from './stats.service.js';

@Controller('v1/stats')
export class StatsHttpController {
  constructor(@Inject(StatsService) private readonly service: StatsService) {}

  @Get()
  @RequireScope('audit:read')
  @LimitConcurrency('stats')
  stats(@Query() query: unknown): Promise<Stats> {
    return this.service.stats(parseInput(statsQuerySchema, query, 'query'));
  }
}
