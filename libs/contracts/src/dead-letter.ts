import { z } from 'zod';

/** Value of an `auth.dlq` record: a record that could not be read, and why (DESIGN §6). */
export const deadLetterSchema = z
  .object({
    schemaVersion: z.literal(1),
    error: z.string(),
    /** The topic's name without the prefix. */
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    /** The original value as UTF-8 text, or base64 when it is not valid UTF-8. */
    payload: z.string(),
    payloadEncoding: z.enum(['utf8', 'base64']),
  })
  .readonly();

export type DeadLetter = z.infer<typeof deadLetterSchema>;
