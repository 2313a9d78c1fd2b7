import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@nestjs/common';
import { decodeRecords, encodeRecord, type LogRecord } from './log-record-codec.js';

interface Segment {
  /** The first offset it may hold; its file is named after it. */
  readonly base: number;
  readonly path: string;
  /** The last offset it holds; undefined while empty. */
  last: number | undefined;
}

export interface OpenedLog {
  readonly segments: LogSegments;
  /** The records on disk, in offset order; a torn tail has been cut off. */
  readonly records: LogRecord[];
  /** The offset the next record gets: never lower than an offset handed out before. */
  readonly nextOffset: number;
}

const SUFFIX = '.log';
const fileName = (base: number) => `${String(base).padStart(20, '0')}${SUFFIX}`;

/** Makes a new entry of `directory` (a file created, renamed or removed) survive a crash. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `mkdir -p` whose new folders survive a crash: each one's entry in its parent is synced. */
async function makeDirectory(directory: string): Promise<void> {
  const first = await mkdir(directory, { recursive: true });
  if (first === undefined) return;
  for (let made = directory; ; made = dirname(made)) {
    await syncDirectory(dirname(made));
    if (made === first) return;
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
  }
}

/**
 * The files of one topic's log: segments named after their first offset, each an append-only
 * run of framed records (see `log-record-codec.ts`); the last one takes the appends. Only one
 * caller at a time (the topic's log serializes them). A write or sync that failed leaves the log
 * refusing everything after it: what the disk holds is then unknown.
 */
export class LogSegments {
  private broken: Error | undefined;

  /** Why the log takes no more writes, or undefined while it does. */
  get failure(): Error | undefined {
    return this.broken;
  }

  private constructor(
    private readonly directory: string,
    private segments: Segment[],
    private active: FileHandle,
    private activeBytes: number,
    /** A segment this large takes no more appends: the next goes to a new one, so old ones can be deleted whole. */
    private readonly segmentBytes: number,
  ) {}

  /** Reads every segment of `directory` (made if missing) and opens the last for appends. */
  static async open(directory: string, segmentBytes: number, logger: Logger): Promise<OpenedLog> {
    await makeDirectory(directory);
    const names = await readdir(directory);
    // A compaction's file not yet renamed into place: the segments it would have replaced are all still there.
    await Promise.all(names.filter((name) => name.endsWith('.tmp')).map((name) => unlink(join(directory, name))));
    const segments: Segment[] = names
      .filter((name) => /^\d{20}\.log$/.test(name))
      .map((name) => ({ base: Number(name.slice(0, -SUFFIX.length)), path: join(directory, name), last: undefined as number | undefined }))
      .sort((a, b) => a.base - b.base);

    const records: LogRecord[] = [];
    const kept: Segment[] = [];
    let activeBytes = 0;
    for (const [index, segment] of segments.entries()) {
      const bytes = await readFile(segment.path);
      const decoded = decodeRecords(bytes);
      if (decoded.validBytes < bytes.length) {
        if (index < segments.length - 1) {
          throw new Error(`${segment.path} is damaged at byte ${decoded.validBytes} of ${bytes.length}, before the log's last segment; move the folder aside to start afresh`);
        }
        // Only the last write before a crash can be torn, and no publish of it was answered.
        logger.warn({ msg: 'cut off a torn write at the end of a log', file: segment.path, at: decoded.validBytes, bytes: bytes.length });
        const handle = await open(segment.path, 'r+');
        try {
          await handle.truncate(decoded.validBytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      // After a compaction cut short, segments it replaced still hold offsets the compacted one has too.
      const after = records.at(-1)?.offset ?? -1;
      const fresh = decoded.records.filter((record) => record.offset > after);
      if (decoded.records.length > 0 && fresh.length === 0) {
        await unlink(segment.path);
        continue;
      }
      for (const record of fresh) records.push(record);
      segment.last = decoded.records.at(-1)?.offset;
      kept.push(segment);
      activeBytes = decoded.validBytes;
    }
    const lastRecord = records.at(-1)?.offset ?? -1;
    const nextOffset = Math.max(lastRecord + 1, kept.at(-1)?.base ?? 0);
    if (kept.length === 0) {
      kept.push({ base: 0, path: join(directory, fileName(0)), last: undefined });
      activeBytes = 0;
    }
    const active = await open(kept.at(-1)!.path, 'a');
    await syncDirectory(directory);
    return { segments: new LogSegments(directory, kept, active, activeBytes, segmentBytes), records, nextOffset };
  }

  /** Appends records (offsets ascending, after every offset already written) and returns once they are on disk. */
  async append(records: readonly LogRecord[]): Promise<void> {
    if (this.broken) throw this.broken;
    if (records.length === 0) return;
    if (this.activeBytes >= this.segmentBytes) await this.roll(records[0]!.offset);
    const bytes = Buffer.concat(records.map(encodeRecord));
    try {
      await writeAll(this.active, bytes);
    } catch (error) {
      // Take back what part of it reached the file, so the next append does not follow a torn record.
      await this.active.truncate(this.activeBytes).catch((truncateError: unknown) => (this.broken = new Error(`the log ${this.directory} cannot be written: ${String(truncateError)}`)));
      throw error;
    }
    try {
      await this.active.datasync();
    } catch (error) {
      // After a failed sync the kernel may have dropped the pages: nothing later can be promised.
      this.broken = new Error(`the log ${this.directory} could not be synced to disk: ${String(error)}`);
      throw this.broken;
    }
    this.activeBytes += bytes.length;
    this.segments.at(-1)!.last = records.at(-1)!.offset;
  }

  private async roll(base: number): Promise<void> {
    const path = join(this.directory, fileName(base));
    const next = await open(path, 'a');
    await this.active.close();
    this.active = next;
    this.activeBytes = 0;
    this.segments.push({ base, path, last: undefined });
    await syncDirectory(this.directory);
  }

  /**
   * Replaces the whole log with `records` (a compaction: same offsets, fewer records): written
   * to a new file, synced, renamed over the first segment's place, then the old segments go.
   * A crash at any step leaves a log that reads as the old one or the new one.
   */
  async replaceWith(records: readonly LogRecord[], nextOffset: number): Promise<void> {
    if (this.broken) throw this.broken;
    const base = records[0]?.offset ?? nextOffset;
    const path = join(this.directory, fileName(base));
    const temporary = `${path}.tmp`;
    const handle = await open(temporary, 'w');
    let bytes = 0;
    try {
      for (let start = 0; start < records.length; start += 1_000) {
        const chunk = Buffer.concat(records.slice(start, start + 1_000).map(encodeRecord));
        await writeAll(handle, chunk);
        bytes += chunk.length;
      }
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      await this.active.close();
      await rename(temporary, path);
      await syncDirectory(this.directory);
      for (const segment of this.segments) if (segment.path !== path) await unlink(segment.path);
      this.segments = [{ base, path, last: records.at(-1)?.offset }];
      this.active = await open(path, 'a');
      this.activeBytes = bytes;
    } catch (error) {
      this.broken = new Error(`the log ${this.directory} could not be compacted: ${String(error)}`);
      throw this.broken;
    }
  }

  /** Deletes the segments, other than the one taking appends, whose records all come before `offset`. */
  async deleteBefore(offset: number): Promise<void> {
    if (this.broken) return;
    const gone = this.segments.slice(0, -1).filter((segment) => segment.last === undefined || segment.last < offset);
    if (gone.length === 0) return;
    for (const segment of gone) await unlink(segment.path);
    this.segments = this.segments.filter((segment) => !gone.includes(segment));
  }

  /** The segment files, oldest first (for tests and the data folder's description). */
  files(): string[] {
    return this.segments.map((segment) => segment.path);
  }

  async close(): Promise<void> {
    await this.active.close();
  }
}
