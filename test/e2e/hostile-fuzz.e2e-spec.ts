import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Topic, type DeadLetter } from '#warden/contracts';
import { startDistributedWarden, type DistributedWarden } from '../harness/embedded-warden.js';
import { uniqueTopicPrefix } from '../harness/running-app.js';
import { TopicReader } from '../harness/topic-reader.js';
import { waitFor } from '../harness/wait-for.js';

/**
 * DESIGN §8 against the running product: 10,000 hostile HTTP requests across every endpoint and
 * 2,000 hostile records to every topic Warden consumes in a group, from a seeded generator (the
 * same run every time; change SEED to explore). Then: no 5xx, every error a problem+json, every
 * record that cannot be read in `auth.dlq`, no partition left behind, and a brute force sent
 * afterwards is still banned on its fifth failure.
 */
const SEED = 1313;
const HTTP_REQUESTS = 10_000;
const RECORDS_PER_TOPIC = 2_000;
const KEY = 'fuzz-key-000001';

const ENDPOINTS = [
  '/v1/attempts',
  '/v1/attempts?wait=verdict',
  '/v1/check',
  '/v1/status',
  '/v1/status/',
  '/v1/decisions/stream',
  '/v1/bans',
  '/v1/bans/ip:203.0.113.9',
  '/v1/bans/ip:203.0.113.9/explain',
  '/v1/incidents',
  '/v1/incidents/export',
  '/v1/audit/verify',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/docs',
  '/nope',
];

const nasty = fc.oneof(
  fc.constantFrom('%00', '%zz', '%', '%E0%A4%A', '__proto__', 'constructor', 'toString', '..%2F..%2Fetc', '\u0000', 'ﬃ'.repeat(400), 'x'.repeat(5_000), '', '%F0%9F%98%80', 'fe80::1%25eth0'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
);
const queryArb = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom('ip', 'account', 'credentialFingerprint', 'subject', 'type', 'from', 'to', 'limit', 'cursor', 'format', 'reason', 'wait', '__proto__', 'constructor'), nasty), nasty),
  { maxLength: 4 },
).map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('&'));
const pathArb = fc.oneof(
  fc.constantFrom(...ENDPOINTS),
  fc.tuple(fc.constantFrom('/v1/bans/', '/v1/status/', '/v1/'), nasty).map(([head, tail]) => head + tail),
  fc.tuple(fc.constantFrom('/v1/bans/'), nasty).map(([head, subject]) => `${head}${subject}/explain`),
);
const attemptLike = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.uuid().map((id) => id.toUpperCase()), fc.string()),
    outcome: fc.constantFrom('failure', 'success', 'maybe', 1),
    ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('fe80::1%eth0', '300.1.1.1', '')),
    account: fc.oneof(fc.string(), fc.constantFrom('a\u0000', 'ﬃ'.repeat(320))),
    occurredAt: fc.oneof(fc.constant(new Date().toISOString()), fc.constantFrom('0000-01-01T00:00:00Z', 'yesterday', '9999-12-31T23:59:59Z')),
    userAgent: fc.string({ unit: 'binary' }),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
const bodyArb = fc.oneof(
  fc.constant(undefined),
  attemptLike.map((value) => JSON.stringify(value)),
  fc.array(attemptLike, { maxLength: 5 }).map((value) => JSON.stringify(value)),
  fc.record({ ip: fc.string(), account: fc.string(), range: fc.constantFrom('10.0.0.0/08', '10.0.0.0/8', 'x'), durationSeconds: fc.oneof(fc.integer(), fc.double()), reason: fc.string({ unit: 'binary' }) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('{', '[]', 'null', '{"__proto__":{"x":1}}', '{"outcome":"failure","ip":"1.2.3.4","constructor":{}}'),
);
const requestArb = fc.record({
  method: fc.oneof({ arbitrary: fc.constantFrom('GET', 'POST', 'DELETE'), weight: 6 }, fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'TRACE')),
  path: pathArb,
  query: queryArb,
  auth: fc.oneof({ arbitrary: fc.constant('good' as const), weight: 8 }, fc.constantFrom('none' as const, 'bad' as const, 'malformed' as const)),
  contentType: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 8 }, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '')),
  body: bodyArb,
});

type RequestSpec = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** One raw HTTP request (node:http sends the path as given, bad percent-encoding included). */
function send(base: URL, spec: RequestSpec, localAddress: string): Promise<Answer> {
  const path = spec.query ? `${spec.path}${spec.path.includes('?') ? '&' : '?'}${spec.query}` : spec.path;
  const headers: Record<string, string> = {};
  if (spec.auth === 'good') headers.authorization = `Bearer ${KEY}`;
  if (spec.auth === 'bad') headers.authorization = 'Bearer not-the-key-000';
  if (spec.auth === 'malformed') headers.authorization = 'Basic \u00ff';
  if (spec.body !== undefined && spec.contentType !== '') headers['content-type'] = spec.contentType;
  // node:http sends a GET's or DELETE's body with no framing at all unless told its length: the
  // bytes would then read as the next request on the connection.
  if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: base.hostname, port: base.port, method: spec.method, path: path.replace(/[\u0000-\u0020\u007f-\uffff]/g, encodeURIComponent), headers, localAddress, timeout: 20_000 }, (response) => {
      const chunks: Buffer[] = [];
      const contentType = String(response.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        response.destroy();
        resolve({ status: response.statusCode!, contentType, body: '' });
        return;
      }
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, contentType, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer to ${spec.method} ${path} within 20 s`)));
    outgoing.on('error', reject);
    outgoing.end(spec.body);
  });
}

/**
 * Values no decoder of a consumed topic accepts: tombstones, bytes that are not JSON, JSON of the
 * wrong shape, and records that look right but for one hostile field.
 */
const unreadableValue: fc.Arbitrary<string | Buffer | null> = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.constantFrom('{', '[]', 'null', '42', '"text"', '{"schemaVersion":2}', '{"schemaVersion":1}', 'x'.repeat(100_000)),
  fc
    .record({
      schemaVersion: fc.constant(1),
      id: fc.uuid(),
      type: fc.constantFrom('ban', 'unban', 'ban_imposed'),
      subject: fc.constantFrom('account:\u0000', 'host:x', 'ip:fe80::1%eth0', `account:${'ﬃ'.repeat(400)}`),
      ip: fc.constantFrom('fe80::1%eth0', '1.2.3', 'a\u0000'),
      outcome: fc.constantFrom('failure', 'maybe'),
      occurredAt: fc.constantFrom('0000-01-01T00:00:00Z', 'yesterday'),
      receivedAt: fc.constantFrom('0000-01-01T00:00:00Z', 'now'),
      account: fc.constantFrom('\u0000', 'ﬃ'.repeat(330)),
    })
    .map((value) => JSON.stringify(value)),
);

describe('hostile input, at volume', () => {
  const prefix = uniqueTopicPrefix('fuzz');
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  let warden: DistributedWarden;
  let producer: Producer;
  let deadLetters: TopicReader<DeadLetter>;
  /** The key each dead letter was published with: the refused record's own key. */
  const letterKeys = new WeakMap<DeadLetter, string | null>();

  beforeAll(async () => {
    warden = await startDistributedWarden(prefix, KEY, { WARDEN_MAX_BODY_BYTES: String(64 * 1024) });
    producer = kafka.producer();
    await producer.connect();
    deadLetters = await new TopicReader<DeadLetter>(prefix + Topic.dlq, (letter, key) => letterKeys.set(letter, key)).start();
  }, 120_000);

  afterAll(async () => {
    await deadLetters?.stop();
    await producer?.disconnect();
    await warden?.stop();
  });

  it(`answers ${HTTP_REQUESTS.toLocaleString('en')} hostile requests with no 5xx and only problem+json errors`, async () => {
    const base = new URL(warden.url);
    const specs = fc.sample(requestArb, { numRuns: HTTP_REQUESTS, seed: SEED });
    const wrong: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < specs.length) {
        const index = next++;
        const spec = specs[index]!;
        // Bad keys come from addresses of their own (all of 127.0.0.0/8 is this machine): their
        // throttle must not ban the address the good requests come from.
        const localAddress = spec.auth === 'good' ? '127.0.0.1' : `127.0.${1 + (index % 200)}.${1 + (index % 250)}`;
        const answer = await send(base, spec, localAddress).catch((error: unknown) => ({ status: 0, contentType: '', body: String(error) }));
        const problem = answer.status >= 400 && spec.method !== 'HEAD' && !/^application\/problem\+json/.test(answer.contentType);
        if (answer.status === 0 || answer.status >= 500 || problem) {
          wrong.push(`${spec.method} ${`${spec.path}?${spec.query}`.slice(0, 160)} (body ${String(spec.body).slice(0, 60)}; auth ${spec.auth}, ${spec.contentType}) → ${answer.status} ${answer.contentType} ${answer.body.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 600_000);

  it.each([Topic.loginAttempts, Topic.adminCommands, Topic.incidents])(
    `dead-letters every one of ${RECORDS_PER_TOPIC.toLocaleString('en')} unreadable records on %s, and stays ready`,
    async (topic) => {
      const marker = randomUUID().slice(0, 8);
      const values = fc.sample(unreadableValue, { numRuns: RECORDS_PER_TOPIC, seed: SEED });
      const keys = values.map((_value, i) => `fuzz-${marker}-${i}`);
      // In small sends: a broker refuses a batch of records over 1 MB in all.
      for (let i = 0; i < values.length; i += 8) {
        await producer.send({ topic: prefix + topic, messages: values.slice(i, i + 8).map((value, j) => ({ key: keys[i + j]!, value })) });
      }
      // Fails, naming how many are missing, unless every record's dead letter arrives in time.
      let left = keys.length;
      await waitFor(
        `the dead letters of ${RECORDS_PER_TOPIC} records of ${topic}`,
        () => {
          const lettered = new Set(deadLetters.values.filter((letter) => letter.topic === topic).map((letter) => letterKeys.get(letter)));
          left = keys.filter((key) => !lettered.has(key)).length;
          return left === 0 ? true : undefined;
        },
        180_000,
        500,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; ${left} of ${keys.length} never reached auth.dlq`);
      });
      expect((await fetch(`${warden.url}/health/ready`)).status).toBe(200);
    },
    300_000,
  );

  it('still bans a brute force on its fifth failure', async () => {
    const account = `victim-${randomUUID().slice(0, 8)}`;
    const verdicts: Array<{ banned: boolean; trigger: boolean }> = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${warden.url}/v1/attempts?wait=verdict`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'failure', ip: '198.51.100.77', account }),
      });
      expect(response.status).toBe(200);
      verdicts.push(...((await response.json()) as { verdicts: Array<{ banned: boolean; trigger: boolean }> }).verdicts);
    }
    expect(verdicts.map((verdict) => verdict.banned)).toEqual([false, false, false, false, true]);
    expect(verdicts[4]!.trigger).toBe(true);
  });
});
