import { z } from 'zod';

/** Version of the `auth.verdicts` record. */
export const VERDICT_SCHEMA_VERSION = 1;

/** A ban item (DESIGN §5) as the wire carries it. */
export const banItemRecordSchema = z
  .object({
    subject: z.string(),
    scope: z.string(),
    rule: z.string(),
    level: z.number().int(),
    until: z.iso.datetime({ offset: true }),
    /** Whole seconds, rounded up. */
    retryAfter: z.number().int().nonnegative(),
    visible: z.boolean(),
  })
  .readonly();

export type BanItemRecord = z.infer<typeof banItemRecordSchema>;

/** Value of an `auth.verdicts` record, keyed by attempt id: how the engine decided one attempt. */
export const verdictRecordSchema = z
  .object({
    schemaVersion: z.literal(VERDICT_SCHEMA_VERSION),
    attemptId: z.uuid(),
    banned: z.boolean(),
    retryAfter: z.number().int().nonnegative(),
    until: z.iso.datetime({ offset: true }).nullable(),
    bans: z.array(banItemRecordSchema).readonly(),
    trigger: z.boolean(),
    gatewayStatus: z.union([z.literal(429), z.literal(401), z.null()]),
    /**
     * Set when the attempt was written to both stages' topics (`accountCopy`): each stage then
     * publishes its part, and the waiting gateway merges the two. Absent: the whole verdict.
     */
    part: z.enum(['network', 'account']).optional(),
  })
  .readonly();

export type VerdictRecord = z.infer<typeof verdictRecordSchema>;

export type VerdictPart = NonNullable<VerdictRecord['part']>;

/**
 * A verdict as `POST /v1/attempts?wait=verdict` answers it (DESIGN §5: a status plus `attemptId`,
 * `trigger`, `gatewayStatus`): the record without its `schemaVersion`, which versions the Kafka
 * record (DESIGN §6), not the HTTP answer.
 */
export const verdictSchema = verdictRecordSchema.unwrap().omit({ schemaVersion: true, part: true }).readonly();

export type Verdict = z.infer<typeof verdictSchema>;
