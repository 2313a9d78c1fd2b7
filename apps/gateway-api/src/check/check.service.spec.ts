import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '#warden/runtime';
import type { BanDecisionRecord } from '#warden/contracts';
import { BanLookupService } from '../ban-lookup/ban-lookup.service.js';
import { DecisionView } from '../decision-view/decision-view.js';
import { CheckService } from './check.service.js';

const at = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A view holding these bans, in force from now on. */
function viewWith(...bans: Array<Pick<BanDecisionRecord, 'subject' | 'visible' | 'rule' | 'until'>>): DecisionView {
  const view = new DecisionView();
  view.apply(
    bans.map((ban, offset) => ({
      topic: 'auth.ban-decisions',
      partition: 0,
      offset: String(offset),
      key: ban.subject,
      value: { schemaVersion: 1, scope: '', state: 'active', level: 1, since: at(0), policyVersion: 'v', attemptIds: [], decidedAt: at(0), ...ban },
    })),
  );
  return view;
}

/** The reset a response's rate-limit header states: `t` of `RateLimit` (IETF draft), else the older `RateLimit-Reset`. */
function statedReset(headers: Headers): number | undefined {
  const t = /;t=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1] ?? headers.get('ratelimit-reset');
  return t == null ? undefined : Number(t);
}

describe('CheckService over HTTP', () => {
  // A visible ban of 2 minutes (identical-credential, threshold 5) and an invisible one of a day on the same caller.
  const view = viewWith(
    { subject: 'account-credential:alice|f00d', visible: true, rule: 'identical-credential', until: at(120_000) },
    { subject: 'ip:203.0.113.7', visible: false, rule: 'ip-failures', until: at(86_400_000) },
  );
  const check = new CheckService(new BanLookupService(view, loadConfig({})));
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const query = Object.fromEntries(new URL(request.url!, 'http://x').searchParams);
      check.answer(query, { ip: '198.51.100.1', forwarded: false }, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/check`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('a visible and an invisible ban: the rate-limit reset is the Retry-After, and no rule threshold shows', async () => {
    const response = await fetch(`${url}?ip=203.0.113.7&account=alice&credentialFingerprint=f00d`);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(statedReset(response.headers)).toBe(retryAfter);
    // identical-credential's threshold (5) is nowhere: neither as a limit nor as a policy's quota.
    expect(response.headers.get('ratelimit-limit')).toBeNull();
    expect(response.headers.get('ratelimit-policy')).toBeNull();
    expect(response.headers.get('ratelimit')).toBe(`"ban";r=0;t=${retryAfter}`);
  });

  it('an invisible ban alone: 401 with no header that tells a ban from a wrong password', async () => {
    const response = await fetch(`${url}?ip=203.0.113.7`);
    expect(response.status).toBe(401);
    expect([...response.headers.keys()].filter((name) => /retry-after|ratelimit/i.test(name))).toEqual([]);
  });

  it('no ban: 204 with no rate-limit header (the view knows bans, not counts)', async () => {
    const response = await fetch(`${url}?ip=192.0.2.1`);
    expect(response.status).toBe(204);
    expect(response.headers.get('ratelimit')).toBeNull();
  });
});
