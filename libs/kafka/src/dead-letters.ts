import { uuidFromParts } from '#warden/ban-policy';
import { INCIDENT_SCHEMA_VERSION, Topic, type DeadLetter, type IncidentRecord } from '#warden/contracts';
import { deadLetterReasonOf, UnreadableRecordError, type DeadLetterReason } from './bus-metrics.js';
import type { ConsumedRecord, OutgoingRecord, TopicRecords } from './message-bus.js';

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

export interface SortedBatch<T> {
  readonly decoded: ConsumedRecord<T>[];
  /** For the records that could not be read: their `auth.dlq` records and `attempt_rejected` incidents. */
  readonly rejections: TopicRecords[];
  /** Why each record that could not be read was rejected (for `warden_dlq_records_total`). */
  readonly reasons: DeadLetterReason[];
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
 * The incident recorded for a record that could not be read (DESIGN §6). Its subject is the
 * record's key (a normalized IP on `auth.login-attempts`, a subject on the other keyed topics);
 * its id comes from the record's position, so the same record rejected again is one incident.
 */
function rejectionIncident(letter: DeadLetter, key: string | null): IncidentRecord {
  const position = `${letter.topic}/${letter.partition}@${letter.offset}`;
  const subject = key === null ? `record:${position}` : letter.topic === Topic.loginAttempts ? `ip:${key}` : key;
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: uuidFromParts('attempt_rejected', position),
    type: 'attempt_rejected',
    severity: 'low',
    subject,
    rule: null,
    level: null,
    until: null,
    attemptIds: [],
    actor: 'warden',
    reason: `${position}: ${letter.error}`,
    at: new Date().toISOString(),
    simulated: false,
    policyVersion: null,
  };
}

/**
 * Decodes each record of a batch. Each one that cannot be read becomes an `auth.dlq` record keyed
 * by its original key and an `attempt_rejected` incident, so one bad record never stops a consumer.
 * `topic` is the unprefixed name.
 */
export function sortBatch<T>(topic: string, records: readonly RawRecord[], decode: (value: Buffer) => T): SortedBatch<T> {
  const decoded: ConsumedRecord<T>[] = [];
  const deadLetters: OutgoingRecord[] = [];
  const incidents: OutgoingRecord[] = [];
  const reasons: DeadLetterReason[] = [];
  for (const record of records) {
    try {
      if (record.value === null) throw new UnreadableRecordError('tombstone', 'the record has no value (tombstone)');
      decoded.push({ topic, partition: record.partition, offset: record.offset, key: record.key, value: decode(record.value) });
    } catch (error) {
      reasons.push(deadLetterReasonOf(error));
      const letter: DeadLetter = {
        schemaVersion: 1,
        error: error instanceof Error ? error.message : String(error),
        topic,
        partition: record.partition,
        offset: record.offset,
        ...payloadOf(record.value ?? Buffer.alloc(0)),
      };
      deadLetters.push({ key: record.key, value: JSON.stringify(letter) });
      const incident = rejectionIncident(letter, record.key);
      incidents.push({ key: incident.subject, value: JSON.stringify(incident) });
    }
  }
  const rejections =
    deadLetters.length === 0 ? [] : [{ topic: Topic.dlq, records: deadLetters }, { topic: Topic.incidents, records: incidents }];
  return { decoded, rejections, reasons };
}
