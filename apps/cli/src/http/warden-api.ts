import type {
  AdminCommandAccepted,
  AuditVerification,
  BanExplanation,
  BanPage,
  IncidentPage,
  IncidentType,
  ManualBanRequest,
} from '#warden/contracts';
import type { BacktestReport } from '#warden/client';
import { WardenHttp, type Call } from './warden-http.js';

export interface BanListFilter {
  readonly state?: string | undefined;
  readonly scope?: string | undefined;
  readonly rule?: string | undefined;
  readonly q?: string | undefined;
}

export interface IncidentFilter {
  readonly subject?: string | undefined;
  readonly type?: IncidentType | undefined;
  /** ISO-8601, inclusive. */
  readonly from?: string | undefined;
  /** ISO-8601, exclusive. */
  readonly to?: string | undefined;
}

const READ_AUDIT: Call = { what: 'read the audit log', scope: 'audit:read' };
const READ_AUDIT_BACKTEST: Call = { what: 'run a backtest', scope: 'audit:read' };
const WRITE_BANS: Call = { what: 'ban or unban', scope: 'bans:write' };

/** The security team's calls of Warden's HTTP API (DESIGN §5), one method per endpoint. */
export class WardenApi {
  constructor(private readonly http: WardenHttp) {}

  /** `GET /v1/bans`: one page, newest first. */
  bans(filter: BanListFilter, limit: number, cursor?: string): Promise<BanPage> {
    return this.http.json('GET', `/v1/bans?${query({ ...filter, limit: String(limit), cursor })}`, { what: 'list bans', scope: 'audit:read' });
  }

  explain(subject: string): Promise<BanExplanation> {
    return this.http.json('GET', `/v1/bans/${encodeURIComponent(subject)}/explain`, { what: 'explain a ban', scope: 'audit:read' });
  }

  ban(request: ManualBanRequest): Promise<AdminCommandAccepted> {
    return this.http.json('POST', '/v1/bans', WRITE_BANS, request);
  }

  unban(subject: string, reason: string): Promise<AdminCommandAccepted> {
    return this.http.json('DELETE', `/v1/bans/${encodeURIComponent(subject)}?${query({ reason })}`, WRITE_BANS);
  }

  /** `GET /v1/incidents`: one page, newest first (by their place in the audit log). */
  incidents(filter: IncidentFilter, limit: number, cursor?: string): Promise<IncidentPage> {
    return this.http.json('GET', `/v1/incidents?${query({ ...filter, limit: String(limit), cursor })}`, READ_AUDIT);
  }

  /** `GET /v1/incidents/export`: the body, streamed as Warden sends it. */
  async exportIncidents(format: 'csv' | 'ndjson', range: Pick<IncidentFilter, 'from' | 'to'>): Promise<ReadableStream<Uint8Array>> {
    const response = await this.http.send('GET', `/v1/incidents/export?${query({ format, ...range })}`);
    await this.http.ensureOk(response, { what: 'export incidents', scope: 'audit:read' });
    return response.body!;
  }

  /** `POST /v1/policy/backtest`: the candidate replayed beside the running policy; the report without its timing. */
  backtest(policy: unknown, span: { from?: string | undefined; to?: string | undefined }): Promise<BacktestReport> {
    return this.http.json('POST', `/v1/policy/backtest?${query(span)}`, READ_AUDIT_BACKTEST, policy);
  }

  verifyAuditLog(): Promise<AuditVerification> {
    return this.http.json('GET', '/v1/audit/verify', { what: 'verify the audit log', scope: 'audit:read' });
  }
}

/** A query string of the parameters that are set. */
function query(parameters: Record<string, string | undefined>): URLSearchParams {
  return new URLSearchParams(Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
