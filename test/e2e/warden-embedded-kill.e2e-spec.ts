import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DECISION_STREAM_EPOCH_HEADER, type DecisionStreamEvent } from '#warden/contracts';
import { embeddedServer, keptApiKey, startEmbeddedWarden, type WardenProcess } from '../harness/embedded-warden.js';
import { SseClient } from '../harness/sse-client.js';
import { eventually, waitFor } from '../harness/wait-for.js';

/** Pairs of an account and an IP that fail again and again: account-ip-failures bans, then escalations. */
const BRUTE_FORCED = 150;
const POSTERS = 6;
const BATCH = 20;

/** The n-th attempt of the stream: three of four a brute force's failure, the fourth a normal user's success. */
function attempt(n: number): { id: string; ip: string; account: string; outcome: 'success' | 'failure'; credentialFingerprint?: string } {
  const id = randomUUID();
  if (n % 4 === 3) return { id, ip: `10.200.${n % 200}.${(n >> 8) % 250}`, account: `user-${n % 500}`, outcome: 'success' };
  const pair = n % BRUTE_FORCED;
  return { id, ip: `10.${1 + (pair % 100)}.${pair >> 7}.7`, account: `victim-${pair}`, outcome: 'failure', credentialFingerprint: `fp-${n}` };
}

/** Each subject's latest decision as a stream's events tell it. */
function latestBySubject(events: readonly DecisionStreamEvent[]): Map<string, string> {
  return new Map(events.map((event) => [event.subject, JSON.stringify(event)]));
}

/** Every consumer group's lag, from `/metrics`: all zero once everything published is handled. */
async function consumerLags(url: string): Promise<number[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^warden_consumer_lag_records\{[^}]*\} (\d+)$/gm)].map((match) => Number(match[1]));
}

/**
 * DESIGN §2 and §4: in the embedded mode an attempt answered 202 survives a SIGKILL, and a stream
 * cursor stays valid across restarts. Attempts are posted without pause by several clients while
 * SSE clients follow the decision stream; the process is SIGKILLed at a random moment, started
 * again on the same data folder, and then every accepted attempt must be decided and each SSE
 * client, resuming with its Last-Event-ID, must end with the decisions a client reading the whole
 * stream afresh gets.
 */
describe('warden embedded: SIGKILLed while attempts pour in', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-e2e-kill-'));
  let warden: WardenProcess | undefined;
  let key = '';
  const accepted = new Set<string>();
  /** Followed the stream until the kill. */
  let throughKill: SseClient;
  /** Dropped off before the kill, while decisions kept coming. */
  let droppedEarly: SseClient;
  let epochBefore: string | null = null;
  const auth = () => ({ authorization: `Bearer ${key}` });
  const stream = () => new SseClient(`${warden!.url}/v1/decisions/stream`, auth());
  /** The end of what the running Warden printed, for a failure's message. */
  const lastOutput = () => `Warden (${warden?.process.child.exitCode ?? 'running'}) printed: …${warden?.process.output().slice(-3_000)}`;
  const synced = (client: SseClient, what: string) => waitFor(`${what} to be synced`, () => (client.events.some((event) => event.event === 'synced') ? true : undefined), 60_000);

  beforeAll(async () => {
    warden = await startEmbeddedWarden(dataDir);
    key = keptApiKey(dataDir);
    throughKill = await stream().open();
    droppedEarly = await stream().open();
    await Promise.all([synced(throughKill, 'the first client'), synced(droppedEarly, 'the second client')]);
    epochBefore = throughKill.responseHeaders!.get(DECISION_STREAM_EPOCH_HEADER);

    let next = 0;
    let posting = true;
    const post = async (): Promise<void> => {
      while (posting) {
        const batch = Array.from({ length: BATCH }, () => attempt(next++));
        const response = await fetch(`${warden!.url}/v1/attempts`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        }).catch(() => undefined); // the kill cuts the requests under way
        if (response === undefined) return;
        if (response.status === 202) for (const { id } of batch) accepted.add(id);
        await response.arrayBuffer();
      }
    };
    const posters = Array.from({ length: POSTERS }, post);
    const killAt = 3_000 + randomInt(3_000);
    await waitFor('attempts to pile up', () => (accepted.size >= killAt / 2 ? true : undefined), 60_000);
    await droppedEarly.close();
    await waitFor(`${killAt} accepted attempts`, () => (accepted.size >= killAt ? true : undefined), 60_000);
    warden.process.child.kill('SIGKILL');
    expect(await warden.process.exited()).toBe('SIGKILL');
    posting = false;
    await Promise.all(posters);
    await throughKill.close();
    warden = await startEmbeddedWarden(dataDir);
  }, 240_000);

  afterAll(async () => {
    warden?.process.child.kill('SIGTERM');
    await warden?.process.exited();
    if (existsSync(join(dataDir, 'postgres', 'postmaster.pid'))) process.kill(embeddedServer(dataDir).pid, 'SIGINT');
    else rmSync(dataDir, { recursive: true, force: true });
  });

  it('decides every attempt it answered 202 before the kill', async () => {
    const ids = [...accepted];
    const db = new pg.Client({ connectionString: embeddedServer(dataDir).url });
    await db.connect();
    try {
      let recorded = 0;
      await waitFor(
        `all ${ids.length} accepted attempts recorded`,
        async () => {
          recorded = (await db.query('SELECT count(*)::int AS n FROM login_attempts WHERE id = ANY($1::uuid[])', [ids])).rows[0].n;
          return recorded === ids.length ? true : undefined;
        },
        120_000,
        500,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}: ${ids.length - recorded} of ${ids.length} accepted attempts were never decided\n${lastOutput()}`);
      });
    } finally {
      await db.end();
    }
  }, 180_000);

  it('resumes each SSE client from its Last-Event-ID with every decision it missed, under the same epoch', async () => {
    await waitFor('every consumer to catch up', async () => {
      const lags = await consumerLags(warden!.url);
      return lags.length > 0 && lags.every((lag) => lag === 0) ? true : undefined;
    }, 120_000, 500).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${lastOutput()}`);
    });
    const resumed = await Promise.all(
      [throughKill, droppedEarly].map(async (before) => ({ before, after: await stream().open(before.lastEventId) })),
    );
    try {
      await eventually(async () => {
        const whole = await stream().open();
        try {
          await synced(whole, 'a client reading the whole stream');
          const expected = latestBySubject(whole.data<DecisionStreamEvent>('decision'));
          expect(expected.size).toBeGreaterThan(BRUTE_FORCED / 2); // the brute force was banned
          for (const { before, after } of resumed) {
            await synced(after, 'a resumed client');
            expect(latestBySubject([...before.data<DecisionStreamEvent>('decision'), ...after.data<DecisionStreamEvent>('decision')])).toEqual(expected);
          }
        } finally {
          await whole.close();
        }
      }, 30_000);
      // The client that dropped off early missed decisions, and got them on resuming.
      expect(resumed[1]!.after.data('decision').length).toBeGreaterThan(0);
      for (const { before, after } of resumed) {
        expect(before.lastEventId).not.toBe('');
        expect(after.responseHeaders!.get(DECISION_STREAM_EPOCH_HEADER)).toBe(epochBefore);
      }
    } finally {
      await Promise.all(resumed.map(({ after }) => after.close()));
    }
  }, 240_000);
});
