import { BlockList, isIPv4 } from 'node:net';
import { banStatus, checkSubjects, decide, DEFAULT_POLICY, MAX_LATENESS_MS, type PolicyAttempt } from '#warden/ban-policy';
import { demoScenarios, inEventOrder, STORY_MS } from './demo-traffic.js';

const END = Date.UTC(2026, 10, 23, 21, 0, 0);
/** The demo posts its story right after building it; a few seconds pass before Warden receives the last batch. */
const RECEIVED = END + 5_000;

const scenarios = demoScenarios(END);
const attempts = inEventOrder(scenarios);
const policyAttempts = attempts.map(
  (attempt, i): PolicyAttempt => ({ ...attempt, id: `demo-${i}`, receivedAt: RECEIVED }),
);
// The engine decides attempts in batches; one batch decides the same (decide's contract).
const { state, decisions } = decide(new Map(), policyAttempts, DEFAULT_POLICY);

function statusOf(probe: { ip: string; account?: string; credentialFingerprint?: string }) {
  const bans = checkSubjects(probe, DEFAULT_POLICY).map((subject) => {
    const ban = state.get(subject)?.ban;
    return ban === undefined ? undefined : { subject, ...ban };
  });
  return banStatus(bans, RECEIVED);
}

describe('the demo traffic under the default policy', () => {
  const attacks = scenarios.filter((scenario) => scenario.expected !== null);

  it('tells the five attacks of the brief, plus normal users and a stale password', () => {
    expect(scenarios.map((scenario) => scenario.name)).toEqual([
      'normal users',
      'stale password on a phone',
      'brute force on one account',
      'credential stuffing from one IP',
      'distributed attack on one account',
      'IPv6 /64 sweep',
    ]);
    expect(attempts.length).toBeGreaterThan(1_000);
  });

  it.each(attacks.map((scenario) => [scenario.name, scenario] as const))('%s gets banned by its rule', (_name, scenario) => {
    const status = statusOf(scenario.expected!.probe);
    expect(status.banned).toBe(true);
    expect(status.bans.map((ban) => ban.rule)).toContain(scenario.expected!.rule);
    expect(status.retryAfter).toBeGreaterThan(0);
  });

  it('bans nobody else: every decision is on a subject an attack probe shows', () => {
    const shown = new Set(attacks.flatMap((scenario) => checkSubjects(scenario.expected!.probe, DEFAULT_POLICY)));
    const decided = new Set(decisions.map((decision) => decision.subject));
    expect([...decided].filter((subject) => !shown.has(subject))).toEqual([]);
    expect(new Set(decisions.map((decision) => decision.rule))).toEqual(new Set(attacks.map((scenario) => scenario.expected!.rule)));
  });

  it('lets every normal user log in: none of them is banned at the end', () => {
    const normal = scenarios.find((scenario) => scenario.expected === null)!;
    const users = new Map(normal.attempts.map((attempt) => [attempt.account, attempt]));
    for (const user of users.values()) {
      expect(statusOf({ ip: user.ip, account: user.account }).banned).toBe(false);
    }
  });

  it('uses documentation addresses only', () => {
    const documentation = new BlockList();
    for (const [network, prefix] of [['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24]] as const) {
      documentation.addSubnet(network, prefix, 'ipv4');
    }
    documentation.addSubnet('2001:db8::', 32, 'ipv6');
    const outside = attempts.filter((attempt) => !documentation.check(attempt.ip, isIPv4(attempt.ip) ? 'ipv4' : 'ipv6'));
    expect(outside).toEqual([]);
  });

  it('happens within the last minutes before the demo starts, inside the 5 minutes Warden accepts', () => {
    expect(STORY_MS).toBeLessThan(MAX_LATENESS_MS);
    expect(attempts[0]!.occurredAt).toBeGreaterThanOrEqual(END - STORY_MS);
    expect(attempts.at(-1)!.occurredAt).toBeLessThanOrEqual(END);
  });

  it('is the same traffic on every run, moved in time', () => {
    const later = inEventOrder(demoScenarios(END + 60_000));
    expect(later.map((attempt) => ({ ...attempt, occurredAt: attempt.occurredAt - 60_000 }))).toEqual(attempts);
  });
});
