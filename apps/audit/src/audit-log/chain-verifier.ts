import type { AuditVerification, AuditedIncident } from '#warden/contracts';
import { EMPTY_CHAIN, entryHash, type ChainHead } from './audit-chain.js';

/**
 * Walks the audit log in sequence order and recomputes each hash from the one before. The first
 * entry that does not hold is named: one whose content changed (its hash differs), one that
 * follows a removed entry (its sequence skips), or one inserted out of order.
 */
export class ChainVerifier {
  private head: ChainHead = EMPTY_CHAIN;
  private checked = 0;
  private broken?: { id: string; problem: string };

  /** Checks the next entry; false once the chain is broken (later entries are not looked at). */
  check(entry: AuditedIncident): boolean {
    if (this.broken) return false;
    this.checked += 1;
    const expected = this.head.sequence + 1;
    if (entry.sequence !== expected) {
      this.broken = { id: entry.id, problem: `sequence ${entry.sequence} follows ${this.head.sequence}: entries are missing or out of order` };
      return false;
    }
    if (entryHash(this.head.hash, entry) !== entry.hash) {
      this.broken = { id: entry.id, problem: `entry ${entry.sequence} does not match its hash: it was changed, or an entry before it was` };
      return false;
    }
    this.head = { sequence: entry.sequence, hash: entry.hash };
    return true;
  }

  result(): AuditVerification {
    if (this.broken) return { ok: false, checked: this.checked, firstBrokenId: this.broken.id, problem: this.broken.problem, headHash: this.head.sequence === 0 ? null : this.head.hash };
    return { ok: true, checked: this.checked, headHash: this.head.sequence === 0 ? null : this.head.hash };
  }
}
