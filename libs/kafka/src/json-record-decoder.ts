import type { z } from 'zod';
import { UnreadableRecordError } from './bus-metrics.js';

/**
 * The `decode` of a subscription to a topic of JSON records: the value parsed and checked against
 * `schema`. What does not fit throws an error naming each bad field ("not <what>: id: …; ip: …"),
 * and the bus sends the record to the DLQ. `readPlain`, when given, reads the common form of the
 * record without the schema, as the schema would (undefined: not that form, the schema decides).
 */
export function jsonRecordDecoder<S extends z.ZodType>(schema: S, what: string, readPlain?: (json: unknown) => z.infer<S> | undefined): (value: Buffer) => z.infer<S> {
  return (value) => {
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      throw new UnreadableRecordError('not_json', 'the value is not JSON');
    }
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
