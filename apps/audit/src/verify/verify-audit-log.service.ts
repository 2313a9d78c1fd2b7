import { Inject, Injectable } from '@nestjs/common';
import type { AuditVerification } from '#warden/contracts';
import { AuditLogRepository } from '../audit-log/audit-log.repository.js';
import { ChainVerifier } from '../audit-log/chain-verifier.js';

/** `GET /v1/audit/verify`: recomputes the whole hash chain, page by page, up to its first break. */
@Injectable()
export class VerifyAuditLogService {
  constructor(@Inject(AuditLogRepository) private readonly auditLog: AuditLogRepository) {}

  async verify(): Promise<AuditVerification> {
    const verifier = new ChainVerifier();
    const pages = this.auditLog.oldestFirst({}, 5_000);
    for await (const page of pages) {
      if (!page.every((entry) => verifier.check(entry))) {
        await pages.return(undefined);
        break;
      }
    }
    return verifier.result();
  }
}
