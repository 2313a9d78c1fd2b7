import { Logger } from '@nestjs/common';
import type { RawRecord } from './dead-letters.js';
import type { ConsumedRecord } from './message-bus.js';
import { BatchAbandonedError, handleWithBreaker } from './poison-pill-breaker.js';

const batchOf = (values: readonly string[]) => {
  const raw: RawRecord[] = values.map((value, i) => ({ topic: 't', partition: 0, offset: String(i), key: null, value: Buffer.from(value) }));
  const records: ConsumedRecord<string>[] = values.map((value, i) => ({ topic: 't', partition: 0, offset: String(i), key: null, value }));
  return { raw, records };
};

const quiet = new Logger('test');
quiet.warn = () => undefined;
quiet.error = () => undefined;

describe('the poison-pill breaker', () => {
  it('dead-letters only the record that keeps failing, and hands the rest on in order', async () => {
    const { raw, records } = batchOf(['a', 'b', 'poison', 'c', 'd', 'e', 'f']);
    const done: string[] = [];
    const refused = await handleWithBreaker(
      't',
      records,
      raw,
      async (slice) => {
        if (slice.some((record) => record.value === 'poison')) throw new Error('cannot handle poison');
        done.push(...slice.map((record) => record.value));
      },
      { tries: 3, logger: quiet, pause: async () => true },
    );
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(refused).toEqual([{ record: raw[2], error: 'processing failed 3 times: cannot handle poison', reason: 'processing_failed' }]);
  });

  it('tries a single record as often as it may before refusing it', async () => {
    const { raw, records } = batchOf(['only']);
    let calls = 0;
    const flaky = async () => {
      if (++calls < 3) throw new Error('flaky');
    };
    const refused = await handleWithBreaker('t', records, raw, flaky, { tries: 3, logger: quiet, pause: async () => true });
    // Two failures and a success: nothing refused.
    expect(calls).toBe(3);
    expect(refused).toEqual([]);
  });

  it('waits out an infrastructure failure however long it lasts, refusing nothing', async () => {
    const { raw, records } = batchOf(['a', 'b']);
    let calls = 0;
    const refused = await handleWithBreaker(
      't',
      records,
      raw,
      async () => {
        if (++calls <= 10) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
      { tries: 2, logger: quiet, pause: async () => true },
    );
    expect(calls).toBe(11);
    expect(refused).toEqual([]);
  });

  it('gives the batch up, uncommitted, when the consumer stops while it waits', async () => {
    const { raw, records } = batchOf(['a']);
    const run = handleWithBreaker('t', records, raw, async () => Promise.reject(new Error('nope')), { tries: 5, logger: quiet, pause: async () => false });
    await expect(run).rejects.toBeInstanceOf(BatchAbandonedError);
  });
});
