import { z } from 'zod';
import { freeTextField, instantField, subjectField, textField, uuidField } from './boundary/fields.js';

/** Version of the `auth.admin-commands` record. */
export const ADMIN_COMMAND_SCHEMA_VERSION = 1;

/** The longest manual ban: a year. Longer blocks belong in a firewall rule. */
export const MAX_MANUAL_BAN_SECONDS = 365 * 24 * 3_600;

/**
 * Value of an `auth.admin-commands` record, keyed by subject: a manual ban or unban by the security
 * team, carried out by the ban engine (the single writer of bans). `id` makes a replay harmless.
 */
export const adminCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    schemaVersion: z.literal(ADMIN_COMMAND_SCHEMA_VERSION),
    id: uuidField,
    type: z.literal('ban'),
    subject: subjectField,
    durationSeconds: z.number().int().positive().max(MAX_MANUAL_BAN_SECONDS),
    reason: freeTextField(2_000),
    actor: textField(256),
    issuedAt: instantField,
  }),
  z.strictObject({
    schemaVersion: z.literal(ADMIN_COMMAND_SCHEMA_VERSION),
    id: uuidField,
    type: z.literal('unban'),
    subject: subjectField,
    reason: freeTextField(2_000),
    actor: textField(256),
    issuedAt: instantField,
  }),
]);

export type AdminCommandRecord = z.infer<typeof adminCommandSchema>;
