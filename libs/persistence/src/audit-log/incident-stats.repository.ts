import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database.js';
import { minutesBetween } from '../minute-buckets.js';

/** Incidents of one minute of a window (0 = the first) with one type, rule and simulated flag. */
export interface IncidentMinuteCount {
  readonly minute: number;
  readonly type: string;
  readonly rule: string | null;
  readonly simulated: boolean;
  readonly count: number;
}

export interface BannedSubjectCount {
  readonly subject: string;
  readonly bans: number;
  readonly level: number;
}

export interface BannedNetworkCount {
  readonly network: string;
  readonly bans: number;
  readonly subjects: number;
}

/** Which prefix groups addresses into networks (the policy's range rule). */
export interface NetworkPrefixes {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** The incident types that ban someone: what "top banned" counts. */
const BANNING_TYPES = ['ban_imposed', 'ban_escalated', 'manual_ban'];

/**
 * Counts over the `audit_log` table for `GET /v1/stats`. Every read here is an index-only range
 * scan of `audit_log (at, type, rule, simulated, level, subject)` (migration
 * 20261201220000_security_team_reads), so it costs the incidents in the window, not the log.
 * The audit log's appends and chained reads stay in apps/audit until they move here (issue 14's
 * follow-up); both read the one table.
 */
@Injectable()
export class IncidentStatsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /** Incidents with `from <= at < to`, counted per minute from `from`, type, rule and simulated flag. */
  async perMinute(from: Date, to: Date): Promise<IncidentMinuteCount[]> {
    const { rows } = await this.database.pool.query<Omit<IncidentMinuteCount, 'minute'> & { minute: Date }>(
      `SELECT date_trunc('minute', at) AS minute, type, rule, simulated, count(*)::int AS count
       FROM audit_log WHERE at >= $1 AND at < $2 GROUP BY 1, 2, 3, 4`,
      [from, to],
    );
    return rows.map((row) => ({ ...row, minute: minutesBetween(from, row.minute) }));
  }

  /**
   * The subjects banned or escalated most often with `from <= at < to` (simulated rules aside), and
   * the same summed per network of the addresses they name (ip, range and account-ip subjects),
   * `limit` of each, most first. One scan of the window serves both.
   */
  async mostBanned(from: Date, to: Date, prefixes: NetworkPrefixes, limit: number): Promise<{ subjects: BannedSubjectCount[]; networks: BannedNetworkCount[] }> {
    const { rows } = await this.database.pool.query<{ kind: 'subject' | 'network'; key: string; bans: number; level: number; subjects: number }>(
      `WITH banned AS MATERIALIZED (
         SELECT subject, count(*)::int AS bans, max(level)::int AS level FROM audit_log
         WHERE at >= $1 AND at < $2 AND type = ANY($3::text[]) AND NOT simulated GROUP BY subject
       ), addressed AS MATERIALIZED (
         SELECT bans, CASE
           WHEN starts_with(subject, 'ip:') THEN substr(subject, 4)
           WHEN starts_with(subject, 'range:') THEN substr(subject, 7)
           ELSE reverse(split_part(reverse(subject), '|', 1)) -- account-ip:<name>|<address>
         END::inet AS address FROM banned
         WHERE starts_with(subject, 'ip:') OR starts_with(subject, 'range:') OR starts_with(subject, 'account-ip:')
       )
       (SELECT 'subject' AS kind, subject AS key, bans, level, 1 AS subjects FROM banned ORDER BY bans DESC, subject LIMIT $6)
       UNION ALL
       (SELECT 'network', network(set_masklen(address, CASE WHEN family(address) = 4 THEN $4::int ELSE $5::int END))::text, sum(bans)::int, 0, count(*)::int
        FROM addressed GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT $6)`,
      [from, to, BANNING_TYPES, prefixes.ipv4, prefixes.ipv6, limit],
    );
    return {
      subjects: rows.filter((row) => row.kind === 'subject').map(({ key, bans, level }) => ({ subject: key, bans, level })),
      networks: rows.filter((row) => row.kind === 'network').map(({ key, bans, subjects }) => ({ network: key, bans, subjects })),
    };
  }
}
