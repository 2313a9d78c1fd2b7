import { crc32 } from 'node:zlib';

/** One record of a topic's log as the in-process bus keeps it, in memory and on disk. */
export interface LogRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  /** When it was appended (epoch ms), for the topic's retention. */
  readonly at: number;
}

/**
 * On disk a record is `length (u32) | crc32 of the body (u32) | body`, the body being
 * `offset (f64) | at (f64) | key length (i32, -1 for null) | key | value`, little-endian. The
 * length and checksum let a reader find where a write torn by a crash begins.
 */
const HEADER_BYTES = 8;
const FIXED_BODY_BYTES = 20;
/** No record the bus accepts comes near this; a length beyond it is a torn or damaged header. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function encodeRecord(record: LogRecord): Buffer {
  const key = record.key === null ? undefined : Buffer.from(record.key);
  const bodyLength = FIXED_BODY_BYTES + (key?.length ?? 0) + record.value.length;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  frame.writeUInt32LE(bodyLength, 0);
  frame.writeDoubleLE(record.offset, 8);
  frame.writeDoubleLE(record.at, 16);
  frame.writeInt32LE(key ? key.length : -1, 24);
  let position = HEADER_BYTES + FIXED_BODY_BYTES;
  if (key) position += key.copy(frame, position);
  record.value.copy(frame, position);
  frame.writeUInt32LE(crc32(frame.subarray(HEADER_BYTES)), 4);
  return frame;
}

export interface DecodedRecords {
  readonly records: LogRecord[];
  /** Bytes of whole, intact records from the start; anything after them is a torn or damaged tail. */
  readonly validBytes: number;
}

/** Reads records from the start of `bytes` up to the first one that is incomplete or fails its checksum. */
export function decodeRecords(bytes: Buffer): DecodedRecords {
  const records: LogRecord[] = [];
  let position = 0;
  while (bytes.length - position >= HEADER_BYTES) {
    const bodyLength = bytes.readUInt32LE(position);
    const end = position + HEADER_BYTES + bodyLength;
    if (bodyLength < FIXED_BODY_BYTES || bodyLength > MAX_BODY_BYTES || end > bytes.length) break;
    const body = bytes.subarray(position + HEADER_BYTES, end);
    if (crc32(body) !== bytes.readUInt32LE(position + 4)) break;
    const keyLength = body.readInt32LE(16);
    if (keyLength > bodyLength - FIXED_BODY_BYTES) break;
    const keyEnd = FIXED_BODY_BYTES + Math.max(0, keyLength);
    records.push({
      offset: body.readDoubleLE(0),
      at: body.readDoubleLE(8),
      key: keyLength < 0 ? null : body.toString('utf8', FIXED_BODY_BYTES, keyEnd),
      // A copy: a slice would keep the whole file's buffer alive for as long as one record stays.
      value: Buffer.from(body.subarray(keyEnd)),
    });
    position = end;
  }
  return { records, validBytes: position };
}
