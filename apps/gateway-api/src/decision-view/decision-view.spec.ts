import type { BanDecisionRecord } from '#warden/contracts';
import type { ConsumedRecord } from '#warden/kafka';
import { DecisionView, type ViewedDecision } from './decision-view.js';

const t0 = Date.parse('2026-03-01T12:00:00Z');

function decision(partition: number, offset: number, subject: string, fields: Partial<BanDecisionRecord> = {}): ConsumedRecord<BanDecisionRecord> {
  const value: BanDecisionRecord = {
    schemaVersion: 1,
    subject,
    scope: subject.split(':')[0]!,
    state: 'active',
    rule: 'ip-failures',
    level: 1,
    since: new Date(t0).toISOString(),
    until: new Date(t0 + 60_000).toISOString(),
    visible: false,
    policyVersion: 'v1',
    attemptIds: [],
    decidedAt: new Date(t0).toISOString(),
    ...fields,
  };
  return { topic: 'auth.ban-decisions', partition, offset: String(offset), key: subject, value };
}

describe('DecisionView', () => {
  it('keeps the latest decision per subject and answers with the policy library: longest wins, 429 if any is visible', () => {
    const view = new DecisionView();
    view.apply([
      decision(0, 0, 'ip:203.0.113.7', { until: new Date(t0 + 30_000).toISOString(), visible: true, rule: 'ip-total' }),
      decision(1, 0, 'account:alice', { until: new Date(t0 + 90_500).toISOString() }),
    ]);
    const status = view.status(['account:alice', 'ip:203.0.113.7', 'ip:198.51.100.1'], t0);
    expect(status).toMatchObject({ banned: true, retryAfter: 91, until: t0 + 90_500, gatewayStatus: 429 });
    expect(status.bans.map((ban) => ban.subject)).toEqual(['account:alice', 'ip:203.0.113.7']);
    expect(view.status(['account:alice'], t0).gatewayStatus).toBe(401);
    expect(view.status(['ip:198.51.100.1'], t0)).toMatchObject({ banned: false, retryAfter: 0, until: null, gatewayStatus: null });
  });

  it('knows the prefix lengths of the range bans in force, until they are lifted or swept', () => {
    const view = new DecisionView();
    const long = { until: new Date(t0 + 600_000).toISOString() };
    view.apply([
      decision(0, 0, 'range:10.0.0.0/8', long),
      decision(0, 1, 'range:11.0.0.0/8'),
      decision(0, 2, 'range:192.0.2.0/24'),
      decision(0, 3, 'range:2001:db8:1::/48'),
      decision(0, 4, 'ip:10.0.0.1'),
    ]);
    expect(view.rangePrefixes()).toEqual({ ipv4: [8, 24], ipv6: [48] });
    view.apply([decision(0, 5, 'range:10.0.0.0/8', { state: 'lifted' }), decision(0, 6, 'range:2001:db8:1::/48', { state: 'lifted' })]);
    expect(view.rangePrefixes()).toEqual({ ipv4: [8, 24], ipv6: [] });
    view.sweep(t0 + 60_000);
    expect(view.rangePrefixes()).toEqual({ ipv4: [], ipv6: [] });
  });

  it('drops a ban at its until without waiting for a message, and forgets lifted bans', () => {
    const view = new DecisionView();
    view.apply([decision(0, 0, 'ip:203.0.113.7'), decision(0, 1, 'ip:198.51.100.1')]);
    expect(view.status(['ip:203.0.113.7'], t0 + 59_999).banned).toBe(true);
    expect(view.status(['ip:203.0.113.7'], t0 + 60_000).banned).toBe(false);
    view.apply([decision(0, 2, 'ip:198.51.100.1', { state: 'lifted' })]);
    expect(view.status(['ip:198.51.100.1'], t0).banned).toBe(false);
    expect(view.sweep(t0 + 60_000)).toBe(2);
    expect(view.size).toBe(0);
  });

  it('ignores records at or behind its position (a partition read again)', () => {
    const view = new DecisionView();
    view.apply([decision(0, 5, 'ip:203.0.113.7', { state: 'lifted' })]);
    view.apply([decision(0, 3, 'ip:203.0.113.7')]);
    expect(view.activeBan('ip:203.0.113.7')).toBeUndefined();
    expect(view.currentPosition()).toEqual(new Map([[0, 6]]));
  });

  it('lists the latest decision of each subject changed since a position, in offset order per partition', () => {
    const view = new DecisionView();
    view.apply([decision(0, 0, 'ip:a'), decision(1, 0, 'ip:b'), decision(0, 1, 'ip:c'), decision(1, 1, 'ip:d')]);
    view.apply([decision(0, 2, 'ip:a', { state: 'lifted' })]);
    const names = (list: ViewedDecision[]) => list.map((entry) => `${entry.subject}@${entry.partition}:${entry.offset}`);
    expect(names(view.changedSince(new Map()))).toEqual(['ip:b@1:0', 'ip:c@0:1', 'ip:d@1:1', 'ip:a@0:2']);
    expect(names(view.changedSince(new Map([[0, 2], [1, 1]])))).toEqual(['ip:d@1:1', 'ip:a@0:2']);
  });

  it('tells subscribers each applied batch with the position after it', () => {
    const view = new DecisionView();
    const seen: string[] = [];
    const unsubscribe = view.subscribe((decisions, position) => seen.push(`${decisions.length}@${[...position].join(';')}`));
    view.apply([decision(0, 0, 'ip:a'), decision(2, 7, 'ip:b')]);
    unsubscribe();
    view.apply([decision(0, 1, 'ip:c')]);
    expect(seen).toEqual(['2@0,1;2,8']);
  });
});
