import { z } from 'zod';
import { MAX_SUBJECT_LENGTH } from './boundary/subject.js';
import { hasControlCharacterOutsideLineBreaks } from './boundary/text.js';
import { instantField, textField } from './boundary/fields.js';

/** Version of the `auth.incidents` record. */
export const INCIDENT_SCHEMA_VERSION = 1;

export const INCIDENT_TYPES = [
  'ban_imposed',
  'ban_escalated',
  'ban_lifted',
  'ban_expired',
  'manual_ban',
  'manual_unban',
  'allowlist_hit',
  'attempt_rejected',
  /** An address presented bad API keys to Warden's own API until it was throttled (gateway-api). */
  'client_throttled',
] as const;

export const incidentTypeSchema = z.enum(INCIDENT_TYPES);
export type IncidentType = z.infer<typeof incidentTypeSchema>;

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high'] as const;

/**
 * Value of an `auth.incidents` record, keyed by subject (DESIGN §6). Fields a later version adds
 * are ignored by readers of this one, so producers can move first.
 */
export const incidentRecordSchema = z
  .object({
    schemaVersion: z.literal(INCIDENT_SCHEMA_VERSION),
    /** Deterministic: the same decision replayed gives the same id, so consumers can deduplicate. */
    id: z.uuid(),
    type: incidentTypeSchema,
    severity: z.enum(INCIDENT_SEVERITIES),
    subject: textField(MAX_SUBJECT_LENGTH),
    rule: textField(128).nullable(),
    level: z.number().int().nullable(),
    /** ISO-8601, or null where no ban has an end. */
    until: instantField.nullable(),
    attemptIds: z.array(z.uuid()).readonly(),
    /** `policy` for the engine's own decisions, else the API key name of the admin. */
    actor: textField(256),
    reason: z
      .string()
      .max(4_000)
      .refine((value) => !hasControlCharacterOutsideLineBreaks(value), 'must not contain control characters')
      .nullable(),
    at: instantField,
    /** The rule runs in simulate mode: nobody was banned. */
    simulated: z.boolean(),
    policyVersion: textField(64).nullable(),
  })
  .readonly();

export type IncidentRecord = z.infer<typeof incidentRecordSchema>;
