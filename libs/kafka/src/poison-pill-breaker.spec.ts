import { Logger } from '@nestjs/common';
import type { RawRecord } from './dead-letters.js';
import type { BatchSpan, ConsumedRecord } from './message-bus.js';
import { BatchAbandonedError, handleWithBreaker } from './poison-pill-breaker.js';

const batchOf = (values: readonly string[]) => {
  const raw: RawRecord[] = values.map((value, i) => ({ topic: 't', partition: 0, offset: String(i), key: null, value: Buffer.from(value) }));
  const records: ConsumedRecord<string>[] = values.map((value, i) => ({ topic: 't', partition: 0, offset: String(i), key: null, value }));
  const span: BatchSpan = { partition: 0, fromOffset: 0n, nextOffset: BigInt(values.length) };
  return { raw, records, span };
};

const quiet = new Logger('test');
quiet.warn = () => undefined;
quiet.error = () => undefined;

describe('the poison-pill breaker', () => {
  it('dead-letters only the record that keeps failing, and hands the rest on in order', async () => {
    const { raw, records, span } = batchOf(['a', 'b', 'poison', 'c', 'd', 'e', 'f']);
    const done: string[] = [];
    const refused = await handleWithBreaker(
      't',
      records,
      raw,
      span,
      async (slice) => {
        if (slice.some((record) => record.value === 'poison')) throw new Error('cannot handle poison');
        done.push(...slice.map((record) => record.value));
      },
      { tries: 3, logger: quiet, pause: async () => true, deadLetter: async () => undefined },
    );
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(refused).toEqual([{ record: raw[2], error: 'processing failed 3 times: cannot handle poison', reason: 'processing_failed' }]);
  });

  it('tells each successful call the offsets it answers for, refused ones included, up to the batch end', async () => {
    // Offsets 0–7; 3 and 7 are poison; offsets 8 and 9 were refused before (decode), so the batch ends at 10.
    const { raw, records } = batchOf(['a', 'b', 'c', 'poison', 'd', 'e', 'f', 'poison']);
    const spans: Array<[bigint, bigint, number]> = [];
    await handleWithBreaker(
      't',
      records,
      raw,
      { partition: 0, fromOffset: 0n, nextOffset: 10n },
      async (slice, span) => {
        if (slice.some((record) => record.value === 'poison')) throw new Error('cannot handle poison');
        spans.push([span.fromOffset, span.nextOffset, slice.length]);
      },
      { tries: 1, logger: quiet, pause: async () => true, coverEveryOffset: true, deadLetter: async (letters) => void spans.push([-1n, BigInt(letters[0]!.record.offset), 0]) },
    );
    // Contiguous from 0 to 10, each offset once: the last call has no records and covers the refused tail.
    // Each poison record is dead-lettered (shown as "dlq-<offset>") before any call answers for its offset.
    expect(spans.map(([from, next]) => (from < 0n ? `dlq-${next}` : `${from}-${next}`)).join(' ')).toBe('0-2 2-3 dlq-3 3-6 6-7 dlq-7 7-10');
    expect(spans.at(-1)![2]).toBe(0);
  });

  it('tries a single record as often as it may before refusing it', async () => {
    const { raw, records, span } = batchOf(['only']);
    let calls = 0;
    const flaky = async () => {
      if (++calls < 3) throw new Error('flaky');
    };
    const refused = await handleWithBreaker('t', records, raw, span, flaky, { tries: 3, logger: quiet, pause: async () => true, deadLetter: async () => undefined });
    // Two failures and a success: nothing refused.
    expect(calls).toBe(3);
    expect(refused).toEqual([]);
  });

  it('waits out an infrastructure failure however long it lasts, refusing nothing', async () => {
    const { raw, records, span } = batchOf(['a', 'b']);
    let calls = 0;
    const refused = await handleWithBreaker(
      't',
      records,
      raw,
      span,
      async () => {
        if (++calls <= 10) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
      { tries: 2, logger: quiet, pause: async () => true, deadLetter: async () => undefined },
    );
    expect(calls).toBe(11);
    expect(refused).toEqual([]);
  });

  it('gives the batch up, uncommitted, when the consumer stops while it waits', async () => {
    const { raw, records, span } = batchOf(['a']);
    const run = handleWithBreaker('t', records, raw, span, async () => Promise.reject(new Error('nope')), { tries: 5, logger: quiet, pause: async () => false, deadLetter: async () => undefined });
    await expect(run).rejects.toBeInstanceOf(BatchAbandonedError);
  });
});
