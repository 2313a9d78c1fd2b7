/**
 * `npm run bench:decode`: how fast the engine reads its stages' records, on one core, beside
 * JSON.parse alone of the same values: the records of 100,000 attempts of the bench:engine mix as
 * gateway-api writes them (on `auth.login-attempts`, and each account copy), read
 *   - by the zod schema alone (`jsonRecordDecoder(loginAttemptEventSchema)`), as before the quick read;
 *   - by the stages' decoders (the plain form's quick read, the schema for anything else).
 * Each in three rounds, taking turns (the machine's speed drifts); rates per CPU second, and the ratios.
 */
import { attemptTopicRecords, DEFAULT_POLICY } from '#warden/ban-policy';
import { loginAttemptEventSchema, Topic } from '#warden/contracts';
import { jsonRecordDecoder } from '#warden/kafka';
import { decodeAccountStageRecord, decodeNetworkStageRecord } from '../src/stages/stage-record-decoders.js';
import { MIX, mixedAttempts } from './attempt-mix.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const ATTEMPTS = 100_000;
const ROUNDS = 3;

const records = mixedAttempts(Date.now(), ATTEMPTS).flatMap((attempt) => attemptTopicRecords(attempt, DEFAULT_POLICY).records);
const values = records.map((record) => Buffer.from(record.value));
const onAccountStage = records.map((record) => record.topic === Topic.attemptsByAccount);
const schemaOnly = jsonRecordDecoder(loginAttemptEventSchema, 'a login attempt');

const readers: ReadonlyArray<readonly [string, (value: Buffer, index: number) => unknown]> = [
  ['JSON.parse alone', (value) => JSON.parse(value.toString('utf8'))],
  ['zod schema', (value) => schemaOnly(value)],
  ['stage decoders', (value, index) => (onAccountStage[index] ? decodeAccountStageRecord(value) : decodeNetworkStageRecord(value))],
];

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

say(`bench:decode: ${values.length.toLocaleString('en-US')} records of ${ATTEMPTS.toLocaleString('en-US')} attempts (${MIX})`);
const spent = new Map<string, number>(readers.map(([name]) => [name, 0]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, read] of readers) {
    const started = cpuMs();
    for (let i = 0; i < values.length; i++) read(values[i]!, i);
    spent.set(name, spent.get(name)! + cpuMs() - started);
  }
  say(`  round ${round} of ${ROUNDS} done`);
}
const rate = (name: string) => (values.length * ROUNDS) / (spent.get(name)! / 1_000);
for (const [name] of readers) say(`  ${name.padEnd(18)} ${Math.round(rate(name)).toLocaleString('en-US').padStart(10)} records per CPU second`);
say(`stage decoders: ${(rate('stage decoders') / rate('zod schema')).toFixed(2)}× the zod schema's rate, ${(rate('stage decoders') / rate('JSON.parse alone')).toFixed(2)}× JSON.parse alone's`);
