import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { decide, DEFAULT_POLICY } from '#warden/ban-policy';
import type { LoginAttemptEvent } from '#warden/contracts';
import { policyAttempt } from '../../apps/ban-engine/src/decisions/policy-attempt.js';
import { attemptTime } from '../../apps/ban-engine/src/stages/decide-run.js';
import { embeddedServer, keptApiKey, startEmbeddedWarden, startWardenProcess, type WardenProcess } from '../harness/embedded-warden.js';
import { createDatabase, dropDatabase } from '../harness/postgres.js';
import { EDGE_KEY, TEST_API_KEYS, uniqueTopicPrefix } from '../harness/running-app.js';
import { eventually } from '../harness/wait-for.js';

interface AttemptBody {
  id: string;
  occurredAt: string;
  outcome: 'success' | 'failure';
  ip: string;
  account: string;
  credentialFingerprint?: string;
}

/**
 * The engine's attack scenarios, each subject's attempts from one IP so that their order is the
 * same on one in-process partition and on Kafka's partitions: brute force (escalating while banned),
 * one stale secret retried, credential stuffing, and normal logins. All within the last minute, so
 * the event-time clamp leaves them as they are.
 */
function scenarios(now: number): AttemptBody[] {
  const attempts: AttemptBody[] = [];
  const add = (ip: string, account: string, outcome: 'success' | 'failure', ageMs: number, fingerprint?: string) =>
    attempts.push({ id: randomUUID(), occurredAt: new Date(now - ageMs).toISOString(), outcome, ip, account, ...(fingerprint ? { credentialFingerprint: fingerprint } : {}) });
  for (let step = 0; step < 12; step++) {
    const age = 60_000 - step * 4_000;
    for (let n = 0; n < 8; n++) if (step < 8) add(`10.1.${n}.7`, `brute-${n}`, 'failure', age + n, `fp-${step}`);
    for (let n = 0; n < 4; n++) if (step < 6) add(`10.2.${n}.7`, `stale-${n}`, 'failure', age + n, 'fp-stale');
    for (let n = 0; n < 4; n++) add(`10.3.${n}.7`, `stuffed-${n}-${step}`, 'failure', age + n);
    for (let n = 0; n < 10; n++) add(`10.4.${n}.9`, `user-${n}`, 'success', age + n);
  }
  return attempts;
}

type BanTable = Map<string, string>;

async function bansIn(url: string, attemptCount: number, banCount: number): Promise<BanTable> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    let bans: BanTable = new Map();
    // The archiver records the attempts, the engine's stages write the bans: wait for both.
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM login_attempts');
      expect(rows[0].n).toBe(attemptCount);
      const { rows: banRows } = await db.query('SELECT subject, scope, rule, level, until, visible FROM bans');
      bans = new Map(banRows.map((ban) => [ban.subject, `${ban.scope} ${ban.rule} L${ban.level} until ${ban.until.toISOString()} visible=${ban.visible}`]));
      expect(bans.size).toBe(banCount);
    }, 60_000);
    return bans;
  } finally {
    await db.end();
  }
}

async function post(warden: WardenProcess, key: string, attempts: readonly AttemptBody[]): Promise<void> {
  for (let start = 0; start < attempts.length; start += 250) {
    const response = await fetch(`${warden.url}/v1/attempts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(attempts.slice(start, start + 250)),
    });
    expect(response.status).toBe(202);
  }
}

/** The same attempts give the same bans embedded (embedded PostgreSQL, in-process bus) as on Kafka and Postgres. */
describe('warden embedded and on Kafka + Postgres', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-parity-'));
  let databaseUrl: string;
  const running: WardenProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_parity');
  });

  afterAll(async () => {
    for (const warden of running) warden.process.child.kill('SIGTERM');
    await Promise.all(running.map((warden) => warden.process.exited()));
    await dropDatabase(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('decides the same bans, levels and times in both modes', async () => {
    const [embedded, distributed] = await Promise.all([
      startEmbeddedWarden(dataDir),
      startWardenProcess({
        KAFKA_BROKERS: process.env.KAFKA_BROKERS,
        DATABASE_URL: databaseUrl,
        WARDEN_API_KEYS: TEST_API_KEYS,
        WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('parity'),
        WARDEN_TOPIC_PARTITIONS: '4',
      }),
    ]);
    running.push(embedded, distributed);

    const now = Date.now();
    const attempts = scenarios(now);
    await Promise.all([post(embedded, keptApiKey(dataDir), attempts), post(distributed, EDGE_KEY, attempts)]);
    // What the policy decides for this stream on its own: 8 brute-forced pairs, 4 stale secrets, 4 stuffing IPs.
    const events = attempts.map((attempt): LoginAttemptEvent => ({ schemaVersion: 1, receivedAt: new Date(now).toISOString(), ...attempt }));
    const reference = decide(new Map(), events.map((event) => policyAttempt(event, attemptTime(event))), DEFAULT_POLICY);
    const banned = new Set(reference.decisions.map((decision) => decision.subject)).size;
    const [embeddedBans, distributedBans] = await Promise.all([bansIn(embeddedServer(dataDir).url, attempts.length, banned), bansIn(databaseUrl, attempts.length, banned)]);
    const rules = new Set(reference.decisions.map((decision) => decision.rule));
    expect(rules).toEqual(new Set(['account-ip-failures', 'identical-credential', 'ip-distinct-accounts']));
    expect(new Set(embeddedBans.keys())).toEqual(new Set(reference.decisions.map((decision) => decision.subject)));

    expect(embeddedBans).toEqual(distributedBans);
  });
});
