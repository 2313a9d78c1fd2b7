import type { AuditedIncident } from '#warden/contracts';
import { ENTRY_FIELDS } from '../audit-log/audit-chain.js';

/**
 * One RFC 4180 field. Text an attacker chose (an account name, a reason) could start with `=`,
 * `+`, `-` or `@` and run as a formula in a spreadsheet: such a field is prefixed with `'`
 * (OWASP's advice for CSV injection). Null is an empty field.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per entry, its fields in the log's order; `attemptIds` holds the ids separated by spaces. */
export function csvLine(incident: AuditedIncident): string {
  return `${ENTRY_FIELDS.map((field) => csvField(incident[field])).join(',')}\r\n`;
}

export const CSV_HEADER = `${ENTRY_FIELDS.join(',')}\r\n`;
