import type { AuditVerification } from '#warden/contracts';
import { EMPTY_CHAIN, entryHash, signatureHolds, type ChainEntry, type ChainHead } from './audit-chain.js';

export interface ChainVerifierOptions {
  /** WARDEN_AUDIT_KEY: check each entry's signature; the last entry must be signed. */
  readonly key?: string | undefined;
  /** A head this log had before (from an earlier `verify`): it must still be in the chain, unchanged. */
  readonly knownHead?: ChainHead | undefined;
}

/**
 * Walks the audit log in sequence order and recomputes each hash from the one before. The first
 * entry that does not hold is named: one whose content changed (its hash differs), one that
 * follows a removed entry (its sequence skips), or one inserted out of order.
 *
 * The chain alone cannot see what a writer of the table does to all of it: rewrite every row with
 * recomputed hashes, delete rows from its end, empty it. Two anchors outside the table can (see
 * docs/audit.md): with a key, an entry whose signature does not hold, or an unsigned entry after
 * signed ones, or an unsigned last entry; with a known head, a chain that no longer holds that
 * head at its place, or ends before it.
 */
export class ChainVerifier {
  private head: ChainHead = EMPTY_CHAIN;
  private headSignature: string | null = null;
  private checked = 0;
  private signedFrom: number | undefined;
  private broken?: { id?: string; problem: string };

  constructor(private readonly options: ChainVerifierOptions = {}) {}

  /** Checks the next entry; false once the chain is broken (later entries are not looked at). */
  check(entry: ChainEntry): boolean {
    if (this.broken) return false;
    this.checked += 1;
    const expected = this.head.sequence + 1;
    if (entry.sequence !== expected) {
      return this.fail(entry, `sequence ${entry.sequence} follows ${this.head.sequence}: entries are missing or out of order`);
    }
    if (entryHash(this.head.hash, entry) !== entry.hash) {
      return this.fail(entry, `entry ${entry.sequence} does not match its hash: it was changed, or an entry before it was`);
    }
    const { key, knownHead } = this.options;
    if (knownHead !== undefined && entry.sequence === knownHead.sequence && entry.hash !== knownHead.hash) {
      return this.fail(entry, `entry ${entry.sequence} is not the known head given: the log was rewritten up to it`);
    }
    if (key !== undefined) {
      if (entry.signature === null) {
        // Entries recorded before a key was set are unsigned; after the first signed one, none may be.
        if (this.signedFrom !== undefined) {
          return this.fail(entry, `entry ${entry.sequence} is not signed, though entries from ${this.signedFrom} on are: the log was rewritten from it`);
        }
      } else if (!signatureHolds(key, entry, entry.signature)) {
        return this.fail(entry, `entry ${entry.sequence} does not match its signature: it was rewritten, or signed with another WARDEN_AUDIT_KEY`);
      } else {
        this.signedFrom ??= entry.sequence;
      }
    }
    this.head = { sequence: entry.sequence, hash: entry.hash };
    this.headSignature = entry.signature;
    return true;
  }

  result(): AuditVerification {
    const { key, knownHead } = this.options;
    if (!this.broken && knownHead !== undefined && this.head.sequence < knownHead.sequence) {
      this.broken = {
        problem: `the log ends at entry ${this.head.sequence}, but the known head given is entry ${knownHead.sequence}: entries were removed from its end`,
      };
    }
    if (!this.broken && key !== undefined && this.head.sequence > 0 && this.headSignature === null) {
      this.broken = {
        problem: `the last entry (${this.head.sequence}) is not signed: the log was rewritten, or no entry was recorded since WARDEN_AUDIT_KEY was set`,
      };
    }
    const head = this.head.sequence === 0 ? null : { sequence: this.head.sequence, hash: this.head.hash, signature: this.headSignature };
    const anchors = { keyed: key !== undefined, head };
    if (this.broken) {
      return {
        ok: false,
        checked: this.checked,
        ...(this.broken.id === undefined ? {} : { firstBrokenId: this.broken.id }),
        problem: this.broken.problem,
        headHash: head?.hash ?? null,
        ...anchors,
      };
    }
    return { ok: true, checked: this.checked, headHash: head?.hash ?? null, ...anchors };
  }

  private fail(entry: ChainEntry, problem: string): false {
    this.broken = { id: entry.id, problem };
    return false;
  }
}
