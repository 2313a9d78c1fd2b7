import { loadConfig } from '#warden/runtime';
import type { BanDecisionRecord } from '#warden/contracts';
import { DecisionView } from '../decision-view/decision-view.js';
import { BanLookupService } from './ban-lookup.service.js';
import { parseBanQuery } from './ban-query.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const until = new Date(now + 120_000).toISOString();

function viewWith(...bans: Array<Pick<BanDecisionRecord, 'subject' | 'visible' | 'rule'>>): DecisionView {
  const view = new DecisionView();
  view.apply(
    bans.map((ban, offset) => ({
      topic: 'auth.ban-decisions',
      partition: 0,
      offset: String(offset),
      key: ban.subject,
      value: { schemaVersion: 1, scope: '', state: 'active', level: 1, since: until, until, policyVersion: 'v', attemptIds: [], decidedAt: until, ...ban },
    })),
  );
  return view;
}

describe('BanLookupService', () => {
  const config = loadConfig({ WARDEN_ALLOWLIST: '192.0.2.0/24' });
  const lookup = new BanLookupService(
    viewWith(
      { subject: 'ip:203.0.113.7', visible: false, rule: 'ip-failures' },
      { subject: 'account-ip:alice|198.51.100.4', visible: true, rule: 'account-ip-failures' },
      { subject: 'range:192.0.2.0/24', visible: false, rule: 'range-failures' },
    ),
    config,
  );

  it('forms the subjects from ip and account, normalized like the policy does', () => {
    expect(lookup.statusOf({ ip: '198.51.100.4', account: ' Alice ' }, undefined, now).gatewayStatus).toBe(429);
    expect(lookup.statusOf({ ip: '198.51.100.4' }, undefined, now).banned).toBe(false);
  });

  it('takes the client when no ip is asked, and always checks an address a trusted proxy forwarded', () => {
    expect(lookup.statusOf({}, { ip: '203.0.113.7', forwarded: false }, now).gatewayStatus).toBe(401);
    // The client's own query names another address: its forwarded address is checked as well.
    expect(lookup.statusOf({ ip: '198.51.100.9' }, { ip: '203.0.113.7', forwarded: true }, now).banned).toBe(true);
    // A peer that is no proxy may ask about any address: its own is not added.
    expect(lookup.statusOf({ ip: '198.51.100.9' }, { ip: '203.0.113.7', forwarded: false }, now).banned).toBe(false);
  });

  it('enforces a range ban of any length, not only the policy\'s /24 and /64', () => {
    const wide = new BanLookupService(
      viewWith({ subject: 'range:10.0.0.0/8', visible: true, rule: 'manual' }, { subject: 'range:2001:db8:1::/48', visible: false, rule: 'manual' }),
      config,
    );
    expect(wide.statusOf({ ip: '10.1.2.3' }, undefined, now)).toMatchObject({ banned: true, gatewayStatus: 429, retryAfter: 120 });
    expect(wide.statusOf({ ip: '11.1.2.3' }, undefined, now).banned).toBe(false);
    expect(wide.statusOf({ ip: '2001:db8:1:ffff::1' }, undefined, now)).toMatchObject({ banned: true, gatewayStatus: 401 });
    expect(wide.statusOf({ ip: '2001:db8:2::1' }, undefined, now).banned).toBe(false);
  });

  it('never blocks an allowlisted address, even inside a banned range', () => {
    expect(lookup.statusOf({ ip: '192.0.2.10' }, undefined, now).banned).toBe(false);
  });
});

describe('parseBanQuery', () => {
  it('normalizes ip and names every bad parameter', () => {
    expect(parseBanQuery({ ip: '::ffff:10.0.0.1', account: 'bob' }, { strict: true, ipRequired: true })).toEqual({
      ok: true,
      query: { ip: '10.0.0.1', account: 'bob' },
    });
    expect(parseBanQuery({ ip: 'nope', account: '', extra: '1' }, { strict: true, ipRequired: true })).toEqual({
      ok: false,
      errors: [
        { field: 'ip', message: 'must be an IPv4 or IPv6 address' },
        { field: 'account', message: 'must be 1 to 320 characters' },
        { field: 'extra', message: 'is not a parameter of this endpoint' },
      ],
    });
    expect(parseBanQuery({ ip: ['1.1.1.1', '2.2.2.2'] }, { strict: false, ipRequired: false })).toMatchObject({ ok: false, errors: [{ field: 'ip' }] });
  });

  it('lets check ignore the parameters of a client query a proxy passed on', () => {
    expect(parseBanQuery({ redirect: '/home' }, { strict: false, ipRequired: false })).toEqual({ ok: true, query: {} });
    expect(parseBanQuery({}, { strict: true, ipRequired: true })).toEqual({ ok: false, errors: [{ field: 'ip', message: 'is required' }] });
  });
});
