import type { DeadLetter } from '#warden/contracts';
import type { ConsumedRecord, OutgoingRecord } from './message-bus.js';

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

export interface SortedBatch<T> {
  readonly decoded: ConsumedRecord<T>[];
  readonly deadLetters: OutgoingRecord[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function payloadOf(value: Buffer): Pick<DeadLetter, 'payload' | 'payloadEncoding'> {
  try {
    return { payload: utf8.decode(value), payloadEncoding: 'utf8' };
  } catch {
    return { payload: value.toString('base64'), payloadEncoding: 'base64' };
  }
}

/**
 * Decodes each record of a batch; those that cannot be read become `auth.dlq` records keyed by
 * their original key, so one bad record never stops a consumer. `topic` is the unprefixed name.
 */
export function sortBatch<T>(topic: string, records: readonly RawRecord[], decode: (value: Buffer) => T): SortedBatch<T> {
  const decoded: ConsumedRecord<T>[] = [];
  const deadLetters: OutgoingRecord[] = [];
  for (const record of records) {
    try {
      if (record.value === null) throw new Error('the record has no value (tombstone)');
      decoded.push({ topic, partition: record.partition, offset: record.offset, key: record.key, value: decode(record.value) });
    } catch (error) {
      const letter: DeadLetter = {
        schemaVersion: 1,
        error: error instanceof Error ? error.message : String(error),
        topic,
        partition: record.partition,
        offset: record.offset,
        ...payloadOf(record.value ?? Buffer.alloc(0)),
      };
      deadLetters.push({ key: record.key, value: JSON.stringify(letter) });
    }
  }
  return { decoded, deadLetters };
}
