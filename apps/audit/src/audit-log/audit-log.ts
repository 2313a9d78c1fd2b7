import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { IncidentRecord } from '#warden/contracts';
import { AuditLogRepository } from '#warden/persistence';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/runtime';
import { chainIncidents, EMPTY_CHAIN, entrySignature } from './audit-chain.js';

/**
 * Appends incidents to the hash-chained audit log: each entry hashed over the one before and,
 * with WARDEN_AUDIT_KEY, signed (see `entrySignature`); the repository stores them in one order.
 */
@Injectable()
export class AuditLog implements OnModuleInit {
  private readonly logger = new Logger(AuditLog.name);
  private readonly key: string | undefined;

  constructor(
    @Inject(AuditLogRepository) private readonly repository: AuditLogRepository,
    @Inject(WARDEN_CONFIG) config: WardenConfig,
  ) {
    this.key = config.auditKey;
  }

  /**
   * Without a key the log runs unsigned rather than refusing to start: the hash chain and a head
   * kept outside Warden still detect every tampering up to the last head kept, and a deployment
   * that upgrades must not lose its audit trail to a missing setting. Said loudly.
   */
  onModuleInit(): void {
    if (this.key === undefined) {
      this.logger.warn({
        msg: 'WARDEN_AUDIT_KEY is not set: audit log entries are hash-chained but not signed, so a rewrite with recomputed hashes is detected only against a head kept outside Warden (docs/audit.md)',
      });
    }
  }

  /** Appends the incidents not recorded yet; returns how many were new (a replayed incident changes nothing). */
  append(incidents: readonly IncidentRecord[], recordedAt: Date): Promise<number> {
    const key = this.key;
    return this.repository.append(incidents, (head, fresh) =>
      chainIncidents(head ?? EMPTY_CHAIN, fresh, recordedAt).map((entry) => ({ ...entry, signature: key === undefined ? null : entrySignature(key, entry) })),
    );
  }
}
