import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditedIncident, IncidentRecord } from '#warden/contracts';
import type { AuditLogEntry } from '#warden/persistence';

/** The hash the first entry of the chain follows. */
export const GENESIS_HASH = '0'.repeat(64);

/** The end of the chain: the last entry's place and hash (0 and GENESIS_HASH when empty). */
export interface ChainHead {
  readonly sequence: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = { sequence: 0, hash: GENESIS_HASH };

export type AuditEntryContent = Omit<AuditedIncident, 'schemaVersion' | 'hash'>;

/** Times as the log stores them: UTC, to the millisecond. */
const instant = (iso: string) => new Date(iso).toISOString();

/**
 * The fields of an audit entry in their one order: the table's columns and CSV exports keep it,
 * and the hash covers all of them but the hash itself, the sequence included, so an entry moved
 * to another place no longer matches its hash.
 */
export const ENTRY_FIELDS = [
  'sequence',
  'id',
  'type',
  'severity',
  'subject',
  'rule',
  'level',
  'until',
  'attemptIds',
  'actor',
  'reason',
  'at',
  'simulated',
  'policyVersion',
  'recordedAt',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditedIncident>;

const CONTENT_FIELDS = ENTRY_FIELDS.filter((field) => field !== 'hash');

/** What an entry's hash covers: its content fields, in order, as JSON. */
export function canonicalContent(entry: AuditEntryContent): string {
  return JSON.stringify(CONTENT_FIELDS.map((field) => entry[field]));
}

export function entryHash(previousHash: string, entry: AuditEntryContent): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalContent(entry)).digest('hex');
}

/**
 * Places incidents after `head`, in the order given, each hashed over the one before. Times are
 * normalized to what the table keeps, so the hash recomputed from a stored row is the same.
 */
export function chainIncidents(head: ChainHead, incidents: readonly IncidentRecord[], recordedAt: Date): AuditedIncident[] {
  let previous = head;
  return incidents.map((incident) => {
    const content: AuditEntryContent = {
      sequence: previous.sequence + 1,
      id: incident.id.toLowerCase(),
      type: incident.type,
      severity: incident.severity,
      subject: incident.subject,
      rule: incident.rule,
      level: incident.level,
      until: incident.until === null ? null : instant(incident.until),
      attemptIds: incident.attemptIds.map((id) => id.toLowerCase()),
      actor: incident.actor,
      reason: incident.reason,
      at: instant(incident.at),
      simulated: incident.simulated,
      policyVersion: incident.policyVersion,
      recordedAt: recordedAt.toISOString(),
    };
    const entry: AuditedIncident = { schemaVersion: incident.schemaVersion, ...content, hash: entryHash(previous.hash, content) };
    previous = entry;
    return entry;
  });
}

/** An entry as the chain holds it: its signature beside it (null when recorded without a key). */
export type ChainEntry = AuditLogEntry;

/**
 * The signature of the chain up to an entry: HMAC-SHA256 under WARDEN_AUDIT_KEY of its sequence and
 * hash. The hash covers every entry before it, so one signature vouches for the whole prefix; each
 * entry carries its own so the first forged one can be named. Whoever can write the table but does
 * not hold the key cannot sign a rewritten chain.
 */
export function entrySignature(key: string, head: ChainHead): string {
  return createHmac('sha256', key).update(`warden-audit-v1\n${head.sequence}\n${head.hash}`).digest('hex');
}

/** Whether `signature` is the signature of `head` under `key`, compared in constant time. */
export function signatureHolds(key: string, head: ChainHead, signature: string): boolean {
  const expected = Buffer.from(entrySignature(key, head), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `<sequence>:<hash>`: a head as `verify` takes it back (`?head=`) and answers it. */
export function headText(head: ChainHead): string {
  return `${head.sequence}:${head.hash}`;
}
