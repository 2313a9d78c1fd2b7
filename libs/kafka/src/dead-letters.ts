import { createHash } from 'node:crypto';
import { uuidFromParts, INCIDENT_SCHEMA_VERSION, MAX_DEAD_LETTER_PAYLOAD_BYTES, MAX_SUBJECT_LENGTH, normalizeIp, normalizeSubject, parseCidr, cidrText, printableExcerpt, Topic, type DeadLetter, type IncidentRecord } from '#warden/contracts';
import { deadLetterReasonOf, UnreadableRecordError, type DeadLetterReason } from './bus-metrics.js';
import type { ConsumedRecord, OutgoingRecord, TopicRecords } from './message-bus.js';

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
}

/** A record refused by its decoder, or whose processing kept failing, and why. */
export interface RefusedRecord {
  readonly record: RawRecord;
  readonly error: string;
  /** For `warden_dlq_records_total`. */
  readonly reason: DeadLetterReason;
}

export interface SortedBatch<T> {
  readonly decoded: ConsumedRecord<T>[];
  /** Each decoded record's raw form, by position in `decoded`: what a dead letter copies if its processing fails. */
  readonly raw: RawRecord[];
  readonly refused: RefusedRecord[];
}

/** The longest error text and record key a dead letter carries. */
const MAX_ERROR_LENGTH = 2_000;
const MAX_KEY_LENGTH = 1_024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function payloadOf(value: Buffer): Pick<DeadLetter, 'payload' | 'payloadEncoding' | 'payloadBytes' | 'payloadSha256' | 'payloadTruncated'> {
  const truncated = value.length > MAX_DEAD_LETTER_PAYLOAD_BYTES;
  const kept = truncated ? value.subarray(0, MAX_DEAD_LETTER_PAYLOAD_BYTES) : value;
  const digest = { payloadBytes: value.length, payloadSha256: createHash('sha256').update(value).digest('hex'), payloadTruncated: truncated };
  try {
    // A cut may split a UTF-8 sequence: then the kept bytes go as base64, like any non-UTF-8 value.
    const text = utf8.decode(kept);
    // Text of control characters grows sixfold as JSON (`\u0000`): base64 grows by a third only.
    if (JSON.stringify(text).length <= (MAX_DEAD_LETTER_PAYLOAD_BYTES * 4) / 3) return { payload: text, payloadEncoding: 'utf8', ...digest };
  } catch {
    // not UTF-8
  }
  return { payload: kept.toString('base64'), payloadEncoding: 'base64', ...digest };
}

/**
 * The subject of a refused record's incident: what its key names (an address, a network or a
 * subject, normalized), else its position. Always a valid subject an incident can carry, whatever
 * the key holds, so the incident cannot itself be refused.
 */
function rejectionSubject(key: string | null, position: string): string {
  if (key !== null && key.length <= MAX_SUBJECT_LENGTH) {
    const ip = normalizeIp(key);
    if (ip !== null) return `ip:${ip}`;
    const range = key.includes('/') ? parseCidr(key) : null;
    if (range !== null) return `range:${cidrText(range)}`;
    const subject = normalizeSubject(key);
    if (subject !== null) return subject;
  }
  return `record:${position}`;
}

/**
 * The incident recorded for a record that could not be read (DESIGN §6). Its id comes from the
 * record's position, so the same record rejected again is one incident.
 */
function rejectionIncident(letter: DeadLetter, key: string | null): IncidentRecord {
  const position = `${letter.topic}/${letter.partition}@${letter.offset}`;
  return {
    schemaVersion: INCIDENT_SCHEMA_VERSION,
    id: uuidFromParts('attempt_rejected', position),
    type: 'attempt_rejected',
    severity: 'low',
    subject: rejectionSubject(key, position),
    rule: null,
    level: null,
    until: null,
    attemptIds: [],
    actor: 'warden',
    reason: printableExcerpt(`${position}: ${letter.error}`, MAX_ERROR_LENGTH),
    at: new Date().toISOString(),
    simulated: false,
    policyVersion: null,
  };
}

/**
 * The `auth.dlq` records of refused records of `topic` (unprefixed), each bounded in size, and
 * their `attempt_rejected` incidents — except for refused incidents: an incident about a refused
 * incident could be refused in turn, forever.
 */
export function rejectionRecords(topic: string, refused: readonly RefusedRecord[]): TopicRecords[] {
  if (refused.length === 0) return [];
  const deadLetters: OutgoingRecord[] = [];
  const incidents: OutgoingRecord[] = [];
  for (const { record, error } of refused) {
    const letter: DeadLetter = {
      schemaVersion: 1,
      error: printableExcerpt(error, MAX_ERROR_LENGTH),
      topic,
      partition: record.partition,
      offset: record.offset,
      ...payloadOf(record.value ?? Buffer.alloc(0)),
    };
    deadLetters.push({ key: record.key === null ? null : record.key.slice(0, MAX_KEY_LENGTH), value: JSON.stringify(letter) });
    if (topic !== Topic.incidents) {
      const incident = rejectionIncident(letter, record.key);
      incidents.push({ key: incident.subject, value: JSON.stringify(incident) });
    }
  }
  return [
    { topic: Topic.dlq, records: deadLetters },
    { topic: Topic.incidents, records: incidents },
  ].filter((batch) => batch.records.length > 0);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decodes each record of a batch; those that cannot be read are refused (the bus dead-letters
 * them), so one bad record never stops a consumer. `topic` is the unprefixed name.
 */
export function sortBatch<T>(topic: string, records: readonly RawRecord[], decode: (value: Buffer) => T): SortedBatch<T> {
  const decoded: ConsumedRecord<T>[] = [];
  const raw: RawRecord[] = [];
  const refused: RefusedRecord[] = [];
  for (const record of records) {
    try {
      if (record.value === null) throw new UnreadableRecordError('tombstone', 'the record has no value (tombstone)');
      decoded.push({ topic, partition: record.partition, offset: record.offset, key: record.key, value: decode(record.value) });
      raw.push(record);
    } catch (error) {
      refused.push({ record, error: errorText(error), reason: deadLetterReasonOf(error) });
    }
  }
  return { decoded, raw, refused };
}
