import { Body, Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { policyBacktestQuerySchema } from '#warden/contracts';
import { LimitConcurrency, RequireScope } from '#warden/http-kit';
import { parseInput, timeRange } from '../http/parse-input.js';
import { PolicyBacktestService, type PolicyBacktestResponse } from './policy-backtest.service.js';

@Controller('v1/policy/backtest')
export class PolicyBacktestHttpController {
  constructor(@Inject(PolicyBacktestService) private readonly service: PolicyBacktestService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('audit:read')
  @LimitConcurrency('policy-backtest')
  backtest(@Body() body: unknown, @Query() query: unknown): Promise<PolicyBacktestResponse> {
    const parsed = parseInput(policyBacktestQuerySchema, query, 'query');
    timeRange(parsed);
    return this.service.backtest(body, parsed);
  }
}
