import { Controller, Get, Inject, Query } from '@nestjs/common';
import { banListQuerySchema, type BanPage } from '#warden/contracts';
import { RequireScope } from '#warden/http-kit';
import { parseInput } from '../http/parse-input.js';
import { ListBansService } from './list-bans.service.js';

@Controller('v1/bans')
export class ListBansHttpController {
  constructor(@Inject(ListBansService) private readonly service: ListBansService) {}

  @Get()
  @RequireScope('audit:read')
  list(@Query() query: unknown): Promise<BanPage> {
    return this.service.list(parseInput(banListQuerySchema, query, 'query'));
  }
}
