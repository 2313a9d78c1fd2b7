import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseAttemptLine, type PolicyAttempt } from '#warden/ban-policy';

export class AttemptFileError extends Error {}

/** The attempts of an NDJSON file, in file order, in batches (the file is never read whole). */
export async function* ndjsonAttempts(path: string, batchSize = 5_000): AsyncGenerator<PolicyAttempt[]> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let batch: PolicyAttempt[] = [];
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    const parsed = parseAttemptLine(line);
    if (!parsed.ok) throw new AttemptFileError(`${path}:${number}: ${parsed.error}`);
    batch.push(parsed.attempt);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
