import type { AdminCommandAccepted, AuditVerification, BanExplanation, BanListQuery, BanPage, IncidentPage, ManualBanRequest, Stats } from '#warden/contracts';
import { session } from './session.js';

/** A problem+json answer (or a network failure) as the page shows it. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Called on a 401: the key is wrong or was revoked, so the page asks for it again. */
let onUnauthorized: () => void = () => {};
export const whenUnauthorized = (handler: () => void) => (onUnauthorized = handler);

async function request(path: string, init: RequestInit = {}, key = session.key()): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'Warden cannot be reached.');
  }
  if (response.ok) return response;
  const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
  if (response.status === 401) onUnauthorized();
  throw new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`);
}

const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await request(path, init)).json() as Promise<T>;

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};

/** The API paths are absolute (`/v1/…`): the console is served by the same Warden at `/ui`. */
export const api = {
  /** Checks a key before keeping it: a read every console key needs. */
  checkKey: (key: string) => request('/v1/stats?window=15m', {}, key).then(() => undefined),
  stats: (window = '1h') => json<Stats>(`/v1/stats${query({ window })}`),
  bans: (filter: Partial<BanListQuery>) => json<BanPage>(`/v1/bans${query(filter)}`),
  incidents: (filter: { subject?: string; limit?: number; cursor?: string }) => json<IncidentPage>(`/v1/incidents${query(filter)}`),
  explain: (subject: string) => json<BanExplanation>(`/v1/bans/${encodeURIComponent(subject)}/explain`),
  ban: (body: ManualBanRequest) =>
    json<AdminCommandAccepted>('/v1/bans', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  unban: (subject: string, reason: string) => json<AdminCommandAccepted>(`/v1/bans/${encodeURIComponent(subject)}${query({ reason })}`, { method: 'DELETE' }),
  verify: () => json<AuditVerification>('/v1/audit/verify'),
  /** The export as a file: fetched with the key in its header, then saved from memory. */
  export: (format: 'ndjson' | 'csv', range: { from?: string; to?: string }) =>
    request(`/v1/incidents/export${query({ format, ...range })}`).then((response) => response.blob()),
};
