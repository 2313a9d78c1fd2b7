import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { decodeRecords, encodeRecord, type LogRecord } from './log-record-codec.js';
import { LogSegments } from './log-segments.js';

const record = (offset: number, key: string | null = `k${offset % 3}`): LogRecord => ({ offset, key, value: Buffer.from(`v${offset}`), at: 1_700_000_000_000 + offset });
const segmentFile = (base: number) => `${String(base).padStart(20, '0')}.log`;

describe('log segments', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'warden-segments-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('reads back what it encodes, a null key and an empty value included, and stops at a flipped bit', () => {
    const records = [record(0, null), { ...record(1), value: Buffer.alloc(0) }, record(2, 'ключ')];
    const bytes = Buffer.concat(records.map(encodeRecord));
    expect(decodeRecords(bytes)).toEqual({ records, validBytes: bytes.length });
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 1]! ^= 1;
    expect(decodeRecords(damaged).records).toEqual(records.slice(0, 2));
  });

  it('reads a log whose compaction a crash cut short once, in offset order, and drops the segment it had replaced', async () => {
    // Before: 0 (offsets 0–9) and 10 (10–12). The compaction wrote 4 (the latest of each key, 4–12) and died before deleting 0 and 10.
    writeFileSync(join(directory, segmentFile(0)), Buffer.concat(Array.from({ length: 10 }, (_, n) => encodeRecord(record(n)))));
    writeFileSync(join(directory, segmentFile(10)), Buffer.concat([10, 11, 12].map((n) => encodeRecord(record(n)))));
    writeFileSync(join(directory, segmentFile(4)), Buffer.concat([4, 8, 10, 11, 12].map((n) => encodeRecord(record(n)))));
    writeFileSync(join(directory, `${segmentFile(4)}.tmp`), 'half a compaction');

    const opened = await LogSegments.open(directory, 1_024, new Logger('test'));
    try {
      expect(opened.records.map((each) => each.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(opened.nextOffset).toBe(13);
      expect(existsSync(join(directory, segmentFile(10)))).toBe(false);
      expect(existsSync(join(directory, `${segmentFile(4)}.tmp`))).toBe(false);
      await opened.segments.append([record(13)]);
    } finally {
      await opened.segments.close();
    }
    const again = await LogSegments.open(directory, 1_024, new Logger('test'));
    await again.segments.close();
    expect(again.records.map((each) => each.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('hands out no offset twice: an empty last segment names the next one', async () => {
    writeFileSync(join(directory, segmentFile(0)), encodeRecord(record(0)));
    writeFileSync(join(directory, segmentFile(7)), Buffer.alloc(0));
    const opened = await LogSegments.open(directory, 1_024, new Logger('test'));
    await opened.segments.close();
    expect(opened.nextOffset).toBe(7);
  });
});
