import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { WARDEN_CONFIG, type WardenConfig } from '#warden/config';
import { INCIDENT_SCHEMA_VERSION, type AuditedIncident, type IncidentRecord, type IncidentType } from '#warden/contracts';
import { Database } from '#warden/persistence';
import { chainIncidents, EMPTY_CHAIN, ENTRY_FIELDS, entrySignature, type ChainEntry, type ChainHead } from './audit-chain.js';

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

interface AuditRow {
  seq: string;
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
}

interface ChainRow extends AuditRow {
  signature: string | null;
}

const COLUMNS = `seq, id::text, type, severity, subject, rule, level, until, attempt_ids::text[], actor, reason, at, simulated,
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

/** SQL conditions and their parameters for a filter, numbered from `$1`. */
function whereOf(filter: IncidentFilter, extra: { before?: number; after?: number } = {}): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    params.push(value);
    conditions.push(condition.replace('?', `$${params.length}`));
  };
  if (filter.subject !== undefined) add('subject = ?', filter.subject);
  if (filter.type !== undefined) add('type = ?', filter.type);
  if (filter.from !== undefined) add('at >= ?', filter.from);
  if (filter.to !== undefined) add('at < ?', filter.to);
  if (extra.before !== undefined) add('seq < ?', extra.before);
  if (extra.after !== undefined) add('seq > ?', extra.after);
  return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

/**
 * The `audit_log` table: appends in one hash-chained order, and reads by the sequence number, a
 * key that never changes, so pages stay correct while new incidents arrive.
 */
@Injectable()
export class AuditLogRepository implements OnModuleInit {
  private readonly logger = new Logger(AuditLogRepository.name);
  /** WARDEN_AUDIT_KEY: each appended entry is signed with it (see `entrySignature`). */
  private readonly key: string | undefined;

  constructor(
    @Inject(Database) private readonly database: Database,
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

  /**
   * Appends the incidents not recorded yet, in one transaction under the append lock: read the
   * chain's head and which ids it already holds, then insert the new ones chained after it.
   * Returns how many were new; a replayed incident (same id) changes nothing.
   */
  async append(incidents: readonly IncidentRecord[], recordedAt: Date): Promise<number> {
    if (incidents.length === 0) return 0;
    const client = await this.database.pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...APPEND_LOCK]);
      const ids = incidents.map((incident) => incident.id.toLowerCase());
      const { rows } = await client.query<{ head_seq: string | null; head_hash: string | null; known: string[] }>(
        `SELECT (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1) AS head_seq,
                (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS head_hash,
                ARRAY(SELECT id::text FROM audit_log WHERE id = ANY($1::uuid[])) AS known`,
        [ids],
      );
      const { head_seq, head_hash, known } = rows[0]!;
      const head: ChainHead = head_seq === null ? EMPTY_CHAIN : { sequence: Number(head_seq), hash: head_hash! };
      const seen = new Set(known);
      const fresh = incidents.filter((incident) => {
        const id = incident.id.toLowerCase();
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length > 0) await client.query(INSERT_ENTRIES, this.entryColumns(chainIncidents(head, fresh, recordedAt)));
      await client.query('COMMIT');
      return fresh.length;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // A connection that failed mid-transaction is dropped, not handed to the next caller.
      client.release(failure);
    }
  }

  /** Newest first: up to `limit` incidents recorded before `before` (a sequence number) that match. */
  async newestFirst(filter: IncidentFilter, limit: number, before?: number): Promise<AuditedIncident[]> {
    const where = whereOf(filter, before === undefined ? {} : { before });
    const { rows } = await this.database.pool.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log ${where.sql} ORDER BY seq DESC LIMIT ${Number(limit)}`,
      where.params,
    );
    return rows.map(toIncident);
  }

  /**
   * Every matching incident, oldest first, read in pages by sequence number: memory stays the
   * size of one page however long the log, and a consumer that reads slowly pulls pages slowly.
   */
  async *oldestFirst(filter: IncidentFilter, pageSize = 2_000): AsyncGenerator<AuditedIncident[]> {
    for await (const rows of this.pagesOldestFirst<AuditRow>(filter, pageSize, COLUMNS)) yield rows.map(toIncident);
  }

  /** The whole chain oldest first, each entry with its signature, in pages: what `verify` walks. */
  async *chainOldestFirst(pageSize = 5_000): AsyncGenerator<ChainEntry[]> {
    for await (const rows of this.pagesOldestFirst<ChainRow>({}, pageSize, `${COLUMNS}, signature`)) {
      yield rows.map((row) => ({ ...toIncident(row), signature: row.signature }));
    }
  }

  /** The last entry's place and hash, as the table holds it now (EMPTY_CHAIN when empty). */
  async head(): Promise<ChainHead> {
    const { rows } = await this.database.pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    return rows[0] === undefined ? EMPTY_CHAIN : { sequence: Number(rows[0].seq), hash: rows[0].hash };
  }

  private async *pagesOldestFirst<R extends AuditRow>(filter: IncidentFilter, pageSize: number, columns: string): AsyncGenerator<R[]> {
    let after = 0;
    for (;;) {
      const where = whereOf(filter, { after });
      const { rows } = await this.database.pool.query<R>(
        `SELECT ${columns} FROM audit_log ${where.sql} ORDER BY seq LIMIT ${Number(pageSize)}`,
        where.params,
      );
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  /** The entries as the column arrays `INSERT_ENTRIES` unnests: {@link ENTRY_FIELDS} in order, then the signatures. */
  private entryColumns(entries: readonly AuditedIncident[]): unknown[] {
    const key = this.key;
    return [
      ...ENTRY_FIELDS.map((field) => entries.map((entry) => (field === 'attemptIds' ? JSON.stringify(entry.attemptIds) : entry[field]))),
      entries.map((entry) => (key === undefined ? null : entrySignature(key, entry))),
    ];
  }
}

const INSERT_ENTRIES = `
  INSERT INTO audit_log (seq, id, type, severity, subject, rule, level, until, attempt_ids, actor, reason, at, simulated,
    policy_version, recorded_at, hash, signature)
  SELECT seq, id, type, severity, subject, rule, level, until, ARRAY(SELECT jsonb_array_elements_text(ids)::uuid), actor,
    reason, at, simulated, policy_version, recorded_at, hash, signature
  FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[],
    $9::jsonb[], $10::text[], $11::text[], $12::timestamptz[], $13::boolean[], $14::text[], $15::timestamptz[], $16::text[],
    $17::text[])
    AS t(seq, id, type, severity, subject, rule, level, until, ids, actor, reason, at, simulated, policy_version, recorded_at, hash,
      signature)`;
