import { Inject, Injectable } from '@nestjs/common';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import type { AuditVerification, AuditVerifyQuery } from '#warden/contracts';
import type { ChainHead } from '../audit-log/audit-chain.js';
import { AuditLogRepository } from '#warden/persistence';
import { ChainVerifier } from '../audit-log/chain-verifier.js';

/**
 * `GET /v1/audit/verify`: recomputes the whole hash chain, page by page, up to its first break,
 * checking each entry's signature when WARDEN_AUDIT_KEY is set and, when `head` is given, that
 * the log still holds that earlier head at its place (docs/audit.md says what each detects).
 */
@Injectable()
export class VerifyAuditLogService {
  constructor(
    @Inject(AuditLogRepository) private readonly auditLog: AuditLogRepository,
    @Inject(WARDEN_CONFIG) private readonly config: WardenConfig,
  ) {}

  async verify(query: AuditVerifyQuery = {}): Promise<AuditVerification> {
    const verifier = new ChainVerifier({ key: this.config.auditKey, knownHead: query.head === undefined ? undefined : parseHead(query.head) });
    const pages = this.auditLog.chainOldestFirst();
    for await (const page of pages) {
      if (!page.every((entry) => verifier.check(entry))) {
        await pages.return(undefined);
        break;
      }
    }
    return verifier.result();
  }
}

/** `<sequence>:<hash>`, as the query schema let it through. */
function parseHead(text: string): ChainHead {
  const colon = text.indexOf(':');
  return { sequence: Number(text.slice(0, colon)), hash: text.slice(colon + 1) };
}
