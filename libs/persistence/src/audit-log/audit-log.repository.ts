import { Inject, Injectable } from '@nestjs/common';
import { INCIDENT_SCHEMA_VERSION, type AuditedIncident, type IncidentRecord, type IncidentType } from '#warden/contracts';
import { Database } from '../database.js';
import { Prisma } from '../generated/prisma/client.js';
import { inTransaction } from '../transaction.js';

/** Advisory lock serializing appends ("AU", 1): with several audit consumers the chain keeps one order. */
const APPEND_LOCK = [0x4155, 1] as const;

export interface IncidentFilter {
  readonly subject?: string;
  readonly type?: IncidentType;
  /** Inclusive, on the incident's `at`. */
  readonly from?: Date;
  /** Exclusive, on the incident's `at`. */
  readonly to?: Date;
}

/** An entry of the log as stored: the incident, its place and hash, and its signature (null when the log runs unsigned). */
export type AuditLogEntry = AuditedIncident & { readonly signature: string | null };

/** The last entry's place and hash. */
export interface AuditLogHead {
  readonly sequence: number;
  readonly hash: string;
}

/** Chains the incidents the log does not hold yet after its head (undefined when the log is empty). */
export type ChainAfter = (head: AuditLogHead | undefined, fresh: readonly IncidentRecord[]) => readonly AuditLogEntry[];

interface AuditRow {
  seq: bigint | string;
  id: string;
  type: IncidentType;
  severity: AuditedIncident['severity'];
  subject: string;
  rule: string | null;
  level: number | null;
  until: Date | null;
  attempt_ids: string[];
  actor: string;
  reason: string | null;
  at: Date;
  simulated: boolean;
  policy_version: string | null;
  recorded_at: Date;
  hash: string;
  signature?: string | null;
}

const COLUMNS = Prisma.sql`seq, id::text, type, severity, subject, rule, level, until, attempt_ids::text[], actor, reason, at, simulated,
  policy_version, recorded_at, hash`;

function toIncident(row: AuditRow): AuditedIncident {
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: row.id,
    type: row.type,
    severity: row.severity,
    subject: row.subject,
    rule: row.rule,
    level: row.level,
    until: row.until === null ? null : row.until.toISOString(),
    attemptIds: row.attempt_ids,
    actor: row.actor,
    reason: row.reason,
    at: row.at.toISOString(),
    simulated: row.simulated,
    policyVersion: row.policy_version,
    sequence: Number(row.seq),
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
  };
}

/** The SQL condition of a filter (and of a place in the log). */
function whereOf(filter: IncidentFilter, place: { before?: number; after?: number } = {}): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filter.subject !== undefined) conditions.push(Prisma.sql`subject = ${filter.subject}`);
  if (filter.type !== undefined) conditions.push(Prisma.sql`type = ${filter.type}`);
  if (filter.from !== undefined) conditions.push(Prisma.sql`at >= ${filter.from}`);
  if (filter.to !== undefined) conditions.push(Prisma.sql`at < ${filter.to}`);
  if (place.before !== undefined) conditions.push(Prisma.sql`seq < ${place.before}`);
  if (place.after !== undefined) conditions.push(Prisma.sql`seq > ${place.after}`);
  return conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}

/**
 * The `audit_log` table: appends in one hash-chained order, and reads by the sequence number, a
 * key that never changes, so pages stay correct while new incidents arrive. What an entry's hash
 * and signature are is the audit app's (its `chain`); this stores and reads them.
 */
@Injectable()
export class AuditLogRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /**
   * Appends the incidents not recorded yet, in one transaction under the append lock: read the
   * chain's head and which ids it already holds, then insert the new ones as `chain` places them
   * after it. Returns how many were new; a replayed incident (same id) changes nothing.
   */
  async append(incidents: readonly IncidentRecord[], chain: ChainAfter): Promise<number> {
    if (incidents.length === 0) return 0;
    return inTransaction(this.database, async (tx) => {
      await tx.query(Prisma.sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK[0]}::int, ${APPEND_LOCK[1]}::int)::text`);
      const ids = incidents.map((incident) => incident.id.toLowerCase());
      // One row (a SELECT without FROM); node-postgres reads a bigint as its decimal text.
      const [row] = await tx.query<{ head_seq: string | null; head_hash: string | null; known: string[] }>(Prisma.sql`
        SELECT (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1) AS head_seq,
               (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS head_hash,
               ARRAY(SELECT id::text FROM audit_log WHERE id = ANY(${ids}::uuid[])) AS known`);
      const { head_seq, head_hash, known } = row!;
      const head = head_seq === null ? undefined : { sequence: Number(head_seq), hash: head_hash! };
      const seen = new Set(known);
      const fresh = incidents.filter((incident) => {
        const id = incident.id.toLowerCase();
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length > 0) await tx.query(insertEntries(chain(head, fresh)));
      return fresh.length;
    });
  }

  /** Newest first: up to `limit` incidents recorded before `before` (a sequence number) that match. */
  async newestFirst(filter: IncidentFilter, limit: number, before?: number): Promise<AuditedIncident[]> {
    const rows = await this.database.prisma.$queryRaw<AuditRow[]>`
      SELECT ${COLUMNS} FROM audit_log ${whereOf(filter, before === undefined ? {} : { before })} ORDER BY seq DESC LIMIT ${Number(limit)}`;
    return rows.map(toIncident);
  }

  /**
   * Every matching incident, oldest first, read in pages by sequence number: memory stays the
   * size of one page however long the log, and a consumer that reads slowly pulls pages slowly.
   */
  async *oldestFirst(filter: IncidentFilter, pageSize = 2_000): AsyncGenerator<AuditedIncident[]> {
    for await (const rows of this.pagesOldestFirst(filter, pageSize, COLUMNS)) yield rows.map(toIncident);
  }

  /** The whole chain oldest first, each entry with its signature, in pages: what `verify` walks. */
  async *chainOldestFirst(pageSize = 5_000): AsyncGenerator<AuditLogEntry[]> {
    for await (const rows of this.pagesOldestFirst({}, pageSize, Prisma.sql`${COLUMNS}, signature`)) {
      yield rows.map((row) => ({ ...toIncident(row), signature: row.signature ?? null }));
    }
  }

  /** The last entry's place and hash, as the table holds it now (undefined when empty). */
  async head(): Promise<AuditLogHead | undefined> {
    const rows = await this.database.prisma.$queryRaw<Array<{ seq: bigint; hash: string }>>`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`;
    return rows[0] === undefined ? undefined : { sequence: Number(rows[0].seq), hash: rows[0].hash };
  }

  private async *pagesOldestFirst(filter: IncidentFilter, pageSize: number, columns: Prisma.Sql): AsyncGenerator<AuditRow[]> {
    let after = 0;
    for (;;) {
      const rows = await this.database.prisma.$queryRaw<AuditRow[]>`
        SELECT ${columns} FROM audit_log ${whereOf(filter, { after })} ORDER BY seq LIMIT ${Number(pageSize)}`;
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
}

/** One INSERT of many entries: a column array per field, unnested. */
function insertEntries(entries: readonly AuditLogEntry[]): Prisma.Sql {
  const column = <T>(value: (entry: AuditLogEntry) => T) => entries.map(value);
  return Prisma.sql`
    INSERT INTO audit_log (seq, id, type, severity, subject, rule, level, until, attempt_ids, actor, reason, at, simulated,
      policy_version, recorded_at, hash, signature)
    SELECT seq, id, type, severity, subject, rule, level, until, ARRAY(SELECT jsonb_array_elements_text(ids)::uuid), actor,
      reason, at, simulated, policy_version, recorded_at, hash, signature
    FROM unnest(${column((e) => e.sequence)}::bigint[], ${column((e) => e.id)}::uuid[], ${column((e) => e.type)}::text[],
      ${column((e) => e.severity)}::text[], ${column((e) => e.subject)}::text[], ${column((e) => e.rule)}::text[],
      ${column((e) => e.level)}::int[], ${column((e) => e.until)}::timestamptz[], ${column((e) => JSON.stringify(e.attemptIds))}::jsonb[],
      ${column((e) => e.actor)}::text[], ${column((e) => e.reason)}::text[], ${column((e) => e.at)}::timestamptz[],
      ${column((e) => e.simulated)}::boolean[], ${column((e) => e.policyVersion)}::text[], ${column((e) => e.recordedAt)}::timestamptz[],
      ${column((e) => e.hash)}::text[], ${column((e) => e.signature)}::text[])
      AS t(seq, id, type, severity, subject, rule, level, until, ids, actor, reason, at, simulated, policy_version, recorded_at, hash,
        signature)`;
}
