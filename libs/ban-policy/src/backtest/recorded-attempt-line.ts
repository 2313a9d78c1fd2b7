import type { PolicyAttempt } from '../attempt.js';
import { parseIp } from '#warden/contracts';

export type AttemptLineResult = { readonly ok: true; readonly attempt: PolicyAttempt } | { readonly ok: false; readonly error: string };

/**
 * One line of an NDJSON file of recorded attempts (`--attempts FILE.ndjson`): an attempt as on
 * `auth.login-attempts` — `id`, `occurredAt` and `receivedAt` (ISO-8601), `outcome`, `ip`, and
 * optionally `account` and `credentialFingerprint`; other fields are ignored.
 */
export function parseAttemptLine(text: string): AttemptLineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'must be an object' };
  const line = value as Record<string, unknown>;
  const textOf = (field: string) => (typeof line[field] === 'string' ? (line[field] as string) : undefined);
  const optional = (field: string) => (line[field] === undefined || line[field] === null ? null : textOf(field));
  const id = textOf('id');
  const occurredAt = Date.parse(textOf('occurredAt') ?? '');
  const receivedAt = Date.parse(textOf('receivedAt') ?? '');
  const outcome = line.outcome;
  const ip = textOf('ip');
  const account = optional('account');
  const credentialFingerprint = optional('credentialFingerprint');
  if (id === undefined || id === '') return { ok: false, error: 'id: is required' };
  if (Number.isNaN(occurredAt)) return { ok: false, error: 'occurredAt: must be an ISO-8601 time' };
  if (Number.isNaN(receivedAt)) return { ok: false, error: 'receivedAt: must be an ISO-8601 time' };
  if (outcome !== 'success' && outcome !== 'failure') return { ok: false, error: 'outcome: must be success or failure' };
  if (ip === undefined || parseIp(ip.trim()) === null) return { ok: false, error: 'ip: must be an IPv4 or IPv6 address' };
  if (account === undefined) return { ok: false, error: 'account: must be a string' };
  if (credentialFingerprint === undefined) return { ok: false, error: 'credentialFingerprint: must be a string' };
  return { ok: true, attempt: { id, occurredAt, receivedAt, outcome, ip, account, credentialFingerprint } };
}
