import { z } from 'zod';

/**
 * The most of a refused record's value a dead letter copies. Kafka's default `max.message.bytes` is
 * about 1 MB, and a dead letter must always be publishable, whatever the size of what it describes.
 */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 64 * 1024;

/** Value of an `auth.dlq` record: a record that could not be read or processed, and why (DESIGN §6). */
export const deadLetterSchema = z
  .object({
    schemaVersion: z.literal(1),
    error: z.string(),
    /** The topic's name without the prefix. */
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    /**
     * The original value as UTF-8 text, or base64 when it is not valid UTF-8; only its first
     * `MAX_DEAD_LETTER_PAYLOAD_BYTES` bytes when it is longer (`payloadTruncated`).
     */
    payload: z.string(),
    payloadEncoding: z.enum(['utf8', 'base64']),
    /** The original value's whole length in bytes, and its SHA-256 (hex), truncated or not. */
    payloadBytes: z.number().int().nonnegative(),
    payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
    payloadTruncated: z.boolean(),
  })
  .readonly();

export type DeadLetter = z.infer<typeof deadLetterSchema>;
