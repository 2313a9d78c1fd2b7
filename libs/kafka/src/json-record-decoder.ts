import type { z } from 'zod';
import { UnreadableRecordError } from './bus-metrics.js';

/**
 * The `decode` of a subscription to a topic of JSON records: the value parsed and checked against
 * `schema`. What does not fit throws an error naming each bad field ("not <what>: id: …; ip: …"),
 * and the bus sends the record to the DLQ.
 */
export function jsonRecordDecoder<S extends z.ZodType>(schema: S, what: string): (value: Buffer) => z.infer<S> {
  const check = jsonRecordChecker(schema, what);
  return (value) => check(parseJsonRecord(value));
}

/** A record's value as JSON; throws the DLQ's `not_json` for anything else. */
export function parseJsonRecord(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    throw new UnreadableRecordError('not_json', 'the value is not JSON');
  }
}

/**
 * The second half of `jsonRecordDecoder`, for a topic whose records are of several kinds: checks a
 * value already parsed. `readPlain`, when given, reads the common form of the record without the
 * schema, as the schema would (undefined: not that form, the schema decides).
 */
export function jsonRecordChecker<S extends z.ZodType>(schema: S, what: string, readPlain?: (json: unknown) => z.infer<S> | undefined): (json: unknown) => z.infer<S> {
  return (json) => {
    const plain = readPlain?.(json);
    if (plain !== undefined) return plain;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`);
      throw new UnreadableRecordError('invalid_record', `not ${what}: ${fields.join('; ')}`);
    }
    return parsed.data;
  };
}
