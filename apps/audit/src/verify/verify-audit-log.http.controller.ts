import { Controller, Get, Inject, Query } from '@nestjs/common';
import { auditVerifyQuerySchema, type AuditVerification } from '#warden/contracts';
import { LimitConcurrency, RequireScope } from '#warden/http-kit';
import { parseInput } from '../http/parse-input.js';
import { VerifyAuditLogService } from './verify-audit-log.service.js';

@Controller('v1/audit/verify')
export class VerifyAuditLogHttpController {
  constructor(@Inject(VerifyAuditLogService) private readonly service: VerifyAuditLogService) {}

  @Get()
  @RequireScope('audit:read')
  @LimitConcurrency('audit-verify')
  verify(@Query() query: unknown): Promise<AuditVerification> {
    return this.service.verify(parseInput(auditVerifyQuerySchema, query, 'query'));
  }
}
