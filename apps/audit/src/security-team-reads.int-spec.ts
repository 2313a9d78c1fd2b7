import { randomBytes, randomUUID } from 'node:crypto';
import { sqlPool, type SqlPool } from '../../../test/harness/sql-probe.js';
import type { BanPage, Stats } from '#warden/contracts';
import { createDatabase, dropDatabase } from '../../../test/harness/postgres.js';
import { SOC_KEY, startApp, uniqueTopicPrefix, type RunningApp } from '../../../test/harness/running-app.js';
import { auditApp } from './audit.app.js';

const MINUTE = 60_000;

/** `GET /v1/bans` and `GET /v1/stats` of the audit app over rows the engine and audit consumer would have written, on a real Postgres. */
describe('the bans list and stats on a real Postgres', () => {
  let databaseUrl: string;
  let audit: RunningApp;
  let pool: SqlPool;
  const now = Date.now();

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${audit.url}${path}`, { headers: { authorization: `Bearer ${SOC_KEY}` } });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function ban(subject: string, fields: { rule?: string; level?: number; sinceAgo: number; untilIn: number; status?: string }) {
    const scope = subject.slice(0, subject.indexOf(':'));
    await pool.query(
      `INSERT INTO bans (subject, scope, rule, level, since, until, visible, status, policy_version, attempt_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'v-test', '{}')
       ON CONFLICT (subject) DO UPDATE SET since = EXCLUDED.since, until = EXCLUDED.until, level = EXCLUDED.level`,
      [subject, scope, fields.rule ?? 'ip-failures', fields.level ?? 1, new Date(now - fields.sinceAgo), new Date(now + fields.untilIn), fields.rule === 'manual', fields.status ?? 'active'],
    );
  }

  async function banEvent(subject: string, type: string, actor: string) {
    await pool.query(
      `INSERT INTO ban_events (subject, type, rule, level, since, until, policy_version, attempt_ids, actor, reason, at)
       VALUES ($1, $2, 'manual', 1, $3, $3, 'v-test', '{}', $4, 'why', $3)`,
      [subject, type, new Date(now - MINUTE), actor],
    );
  }

  let seq = 0;
  async function incident(type: string, subject: string, at: number, fields: { rule?: string | null; level?: number; simulated?: boolean } = {}) {
    seq += 1;
    await pool.query(
      `INSERT INTO audit_log (seq, id, type, severity, subject, rule, level, until, attempt_ids, actor, reason, at, simulated, policy_version, recorded_at, hash)
       VALUES ($1, $2, $3, 'medium', $4, $5, $6, NULL, '{}', 'policy', NULL, $7, $8, 'v-test', $7, $9)`,
      [seq, randomUUID(), type, subject, fields.rule === undefined ? 'ip-failures' : fields.rule, fields.level ?? 1, new Date(at), fields.simulated ?? false, randomBytes(32).toString('hex')],
    );
  }

  async function attempt(outcome: 'success' | 'failure', at: number) {
    await pool.query(
      `INSERT INTO login_attempts (id, occurred_at, received_at, outcome, ip) VALUES ($1, $2, $2, $3, '192.0.2.1')`,
      [randomUUID(), new Date(at), outcome],
    );
  }

  beforeAll(async () => {
    databaseUrl = await createDatabase('warden_reads');
    audit = await startApp(auditApp, { WARDEN_TOPIC_PREFIX: uniqueTopicPrefix('reads'), DATABASE_URL: databaseUrl });
    pool = sqlPool(databaseUrl, 2);
  });

  afterAll(async () => {
    await audit?.close();
    await pool?.end();
    await dropDatabase(databaseUrl);
  });

  describe('GET /v1/bans', () => {
    beforeAll(async () => {
      await ban('ip:203.0.113.7', { sinceAgo: 5 * MINUTE, untilIn: 10 * MINUTE });
      await ban('account-ip:alice|203.0.113.7', { rule: 'account-ip-failures', level: 3, sinceAgo: 4 * MINUTE, untilIn: 30 * MINUTE });
      await ban('account:ceo@example.com', { rule: 'manual', sinceAgo: 3 * MINUTE, untilIn: 60 * MINUTE });
      await banEvent('account:ceo@example.com', 'manual_ban', 'soc');
      await ban('ip:198.51.100.9', { sinceAgo: 20 * MINUTE, untilIn: -5 * MINUTE }); // past its end, not expired by the engine yet
      await ban('range:2001:db8:bad:5eed::/64', { rule: 'range-failures', sinceAgo: 30 * MINUTE, untilIn: -10 * MINUTE, status: 'expired' });
      await ban('ip:192.0.2.44', { sinceAgo: 2 * MINUTE, untilIn: 0, status: 'lifted' });
      await banEvent('ip:192.0.2.44', 'manual_unban', 'helpdesk');
    });

    it('lists the bans in force, newest first, each as in a status with since, level, state and the actor of a manual one', async () => {
      const { status, body } = await get<BanPage>('/v1/bans');
      expect(status).toBe(200);
      expect(body.nextCursor).toBeNull();
      expect(body.items.map((item) => item.subject)).toEqual(['account:ceo@example.com', 'account-ip:alice|203.0.113.7', 'ip:203.0.113.7']);
      const [manual, alice] = body.items;
      expect(manual).toMatchObject({ scope: 'account', rule: 'manual', state: 'active', actor: 'soc', visible: true, policyVersion: 'v-test' });
      expect(alice).toMatchObject({ scope: 'account-ip', rule: 'account-ip-failures', level: 3, state: 'active', actor: null, visible: false });
      expect(alice!.since).toBe(new Date(now - 4 * MINUTE).toISOString());
      expect(alice!.retryAfter).toBeGreaterThan(29 * 60);
      expect(alice!.retryAfter).toBeLessThanOrEqual(30 * 60);
    });

    it('lists lifted bans with who lifted them, and expired ones including those past their end', async () => {
      const lifted = await get<BanPage>('/v1/bans?state=lifted');
      expect(lifted.body.items).toEqual([expect.objectContaining({ subject: 'ip:192.0.2.44', state: 'lifted', actor: 'helpdesk', retryAfter: 0 })]);
      const expired = await get<BanPage>('/v1/bans?state=expired');
      expect(expired.body.items.map((item) => [item.subject, item.state])).toEqual([
        ['ip:198.51.100.9', 'expired'],
        ['range:2001:db8:bad:5eed::/64', 'expired'],
      ]);
    });

    it('filters by scope, rule and a substring of the subject', async () => {
      const subjects = async (query: string) => (await get<BanPage>(`/v1/bans?${query}`)).body.items.map((item) => item.subject);
      expect(await subjects('scope=ip')).toEqual(['ip:203.0.113.7']);
      expect(await subjects('rule=account-ip-failures')).toEqual(['account-ip:alice|203.0.113.7']);
      expect(await subjects('q=203.0.113')).toEqual(['account-ip:alice|203.0.113.7', 'ip:203.0.113.7']);
      expect(await subjects('q=ALICE')).toEqual(['account-ip:alice|203.0.113.7']);
      expect(await subjects('q=ceo&scope=account&rule=manual')).toEqual(['account:ceo@example.com']);
      expect(await subjects('q=nobody')).toEqual([]);
    });

    it('pages with a cursor that neither repeats nor skips while bans are added and escalated', async () => {
      const first = await get<BanPage>('/v1/bans?limit=1');
      expect(first.body.items.map((item) => item.subject)).toEqual(['account:ceo@example.com']);
      // Meanwhile a new ban arrives: it comes before the pages already read, and shifts none after them.
      await ban('ip:192.0.2.200', { sinceAgo: 0, untilIn: 10 * MINUTE });
      const seen = [...first.body.items.map((item) => item.subject)];
      let cursor = first.body.nextCursor;
      while (cursor) {
        const page = await get<BanPage>(`/v1/bans?limit=1&cursor=${cursor}`);
        seen.push(...page.body.items.map((item) => item.subject));
        cursor = page.body.nextCursor;
      }
      expect(seen).toEqual(['account:ceo@example.com', 'account-ip:alice|203.0.113.7', 'ip:203.0.113.7']);
      expect((await get<BanPage>('/v1/bans?limit=1')).body.items[0]!.subject).toBe('ip:192.0.2.200');
    });

    it('answers 400 for a cursor it did not give out, an unknown state or parameter', async () => {
      expect((await get('/v1/bans?cursor=bm9wZQ')).status).toBe(400);
      expect((await get('/v1/bans?state=forgotten')).status).toBe(400);
      expect((await get('/v1/bans?subject=ip:1.2.3.4')).status).toBe(400);
    });
  });

  describe('GET /v1/stats', () => {
    it('counts attempts, bans and incidents per minute over the last hour, and the most banned subjects and networks', async () => {
      const t = Date.now();
      for (const outcome of ['failure', 'failure', 'failure', 'success'] as const) await attempt(outcome, t - 2 * MINUTE);
      await attempt('success', t - 2 * 3_600_000); // outside the window
      await incident('ban_imposed', 'ip:203.0.113.7', t - 2 * MINUTE, { rule: 'ip-failures' });
      await incident('ban_escalated', 'ip:203.0.113.7', t - 2 * MINUTE, { rule: 'ip-failures', level: 2 });
      await incident('ban_escalated', 'ip:203.0.113.7', t - 2 * MINUTE, { rule: 'ip-failures', level: 3 });
      await incident('ban_imposed', 'account-ip:alice|203.0.113.9', t - 2 * MINUTE, { rule: 'account-ip-failures' });
      await incident('ban_imposed', 'range:2001:db8:bad:5eed::/64', t - 10 * MINUTE, { rule: 'range-failures' });
      await incident('manual_ban', 'account:ceo@example.com', t - 10 * MINUTE, { rule: 'manual' });
      await incident('ban_imposed', 'ip:192.0.2.5', t - 10 * MINUTE, { rule: 'ip-total', simulated: true });
      await incident('manual_unban', 'ip:203.0.113.7', t - 10 * MINUTE, { rule: null });
      await incident('ban_imposed', 'ip:192.0.2.99', t - 3 * 3_600_000, { rule: 'ip-failures' }); // outside the window

      const { status, body } = await get<Stats>('/v1/stats?window=1h');
      expect(status).toBe(200);
      expect(body.window).toBe('1h');
      expect(body.minutes).toHaveLength(60);
      expect(Date.parse(body.minutes[0]!)).toBe(Date.parse(body.from));
      const minuteOf = (at: number) => body.minutes.findLastIndex((start) => Date.parse(start) <= at);
      const [two, ten] = [minuteOf(t - 2 * MINUTE), minuteOf(t - 10 * MINUTE)];
      const only = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
      const at = (series: Record<string, number[]>, minute: number) => only(Object.fromEntries(Object.entries(series).map(([name, counts]) => [name, counts[minute]!])));
      const total = (series: Record<string, number[]>) => only(Object.fromEntries(Object.entries(series).map(([name, counts]) => [name, counts.reduce((a, b) => a + b, 0)])));

      expect(Object.values(body.attempts).every((counts) => counts.length === 60)).toBe(true);
      expect(at(body.attempts, two)).toEqual({ failure: 3, success: 1 });
      expect(total(body.attempts)).toEqual({ failure: 3, success: 1 });
      expect(at(body.bansImposed, two)).toEqual({ 'ip-failures': 1, 'account-ip-failures': 1 });
      expect(at(body.bansImposed, ten)).toEqual({ 'range-failures': 1, manual: 1 });
      expect(total(body.bansEscalated)).toEqual({ 'ip-failures': 2 });
      expect(Object.keys(body.incidents)).toEqual(expect.arrayContaining(['ban_imposed', 'ban_escalated', 'manual_unban', 'attempt_rejected']));
      expect(total(body.incidents)).toEqual({ ban_imposed: 4, ban_escalated: 2, manual_ban: 1, manual_unban: 1 });

      expect(body.topSubjects[0]).toEqual({ subject: 'ip:203.0.113.7', bans: 3, level: 3 });
      expect(body.topSubjects.map((each) => each.subject).sort()).toEqual(
        ['account-ip:alice|203.0.113.9', 'account:ceo@example.com', 'ip:203.0.113.7', 'range:2001:db8:bad:5eed::/64'].sort(),
      );
      expect(body.topNetworks).toEqual([
        { network: '203.0.113.0/24', bans: 4, subjects: 2 },
        { network: '2001:db8:bad:5eed::/64', bans: 1, subjects: 1 },
      ]);
    });

    it('answers 400 for a window it does not offer', async () => {
      expect((await get('/v1/stats?window=7d')).status).toBe(400);
    });
  });
});
