import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { BanExplanation } from '#warden/contracts';
import { RequireScope } from '#warden/http-kit';
import { subjectParam } from '../http/subject-param.js';
import { ExplainBanService } from './explain-ban.service.js';

@Controller('v1/bans')
export class ExplainBanHttpController {
  constructor(@Inject(ExplainBanService) private readonly service: ExplainBanService) {}

  @Get(':subject/explain')
  @RequireScope('audit:read')
  explain(@Param('subject') subject: string): Promise<BanExplanation> {
    return this.service.explain(subjectParam(subject));
  }
}
