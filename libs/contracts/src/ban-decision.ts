import { z } from 'zod';

/** Version of the `auth.ban-decisions` record. */
export const BAN_DECISION_SCHEMA_VERSION = 1;

/**
 * Value of an `auth.ban-decisions` record, keyed by subject (a compacted topic): the current ban
 * state of that subject. `active` until `until`; `lifted` by an admin; `expired` once over.
 */
export const banDecisionRecordSchema = z
  .object({
    schemaVersion: z.literal(BAN_DECISION_SCHEMA_VERSION),
    subject: z.string().min(1).max(1024),
    scope: z.string(),
    state: z.enum(['active', 'lifted', 'expired']),
    rule: z.string(),
    level: z.number().int(),
    since: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }),
    /** Visible bans are answered 429 with Retry-After; invisible ones 401. */
    visible: z.boolean(),
    policyVersion: z.string(),
    attemptIds: z.array(z.string()).readonly(),
    /** When this state was decided (ISO-8601). */
    decidedAt: z.iso.datetime({ offset: true }),
  })
  .readonly();

export type BanDecisionRecord = z.infer<typeof banDecisionRecordSchema>;
