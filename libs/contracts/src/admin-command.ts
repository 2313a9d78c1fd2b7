import { z } from 'zod';

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
    id: z.uuid(),
    type: z.literal('ban'),
    subject: z.string().min(3).max(1024),
    durationSeconds: z.number().int().positive().max(MAX_MANUAL_BAN_SECONDS),
    reason: z.string().min(1).max(2_000),
    actor: z.string().min(1).max(256),
    issuedAt: z.iso.datetime({ offset: true }),
  }),
  z.strictObject({
    schemaVersion: z.literal(ADMIN_COMMAND_SCHEMA_VERSION),
    id: z.uuid(),
    type: z.literal('unban'),
    subject: z.string().min(3).max(1024),
    reason: z.string().min(1).max(2_000),
    actor: z.string().min(1).max(256),
    issuedAt: z.iso.datetime({ offset: true }),
  }),
]);

export type AdminCommandRecord = z.infer<typeof adminCommandSchema>;
