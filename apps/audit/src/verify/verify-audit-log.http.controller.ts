import { Controller, Get, Inject } from '@nestjs/common';
import type { AuditVerification } from '#warden/contracts';
import { RequireScope } from '#warden/http-kit';
import { VerifyAuditLogService } from './verify-audit-log.service.js';

@Controller('v1/audit/verify')
export class VerifyAuditLogHttpController {
  constructor(@Inject(VerifyAuditLogService) private readonly service: VerifyAuditLogService) {}

  @Get()
  @RequireScope('audit:read')
  verify(): Promise<AuditVerification> {
    return this.service.verify();
  }
}
