import { banStatus, mergeVerdicts, networkOutcomeOf, type ActiveBan, type Verdict as PolicyVerdict } from '#warden/ban-policy';
import type { Verdict } from '#warden/contracts';
import { mergeVerdictParts } from './verdict-parts.js';

const AT = Date.UTC(2026, 11, 1, 12);

/** A policy verdict as the wire carries it (what `verdictRecord` writes, without schemaVersion and part). */
function onTheWire(verdict: PolicyVerdict): Verdict {
  return {
    attemptId: verdict.attemptId,
    banned: verdict.banned,
    retryAfter: verdict.retryAfter,
    until: verdict.until === null ? null : new Date(verdict.until).toISOString(),
    bans: verdict.bans.map((ban) => ({ ...ban, until: new Date(ban.until).toISOString() })),
    trigger: verdict.trigger,
    gatewayStatus: verdict.gatewayStatus,
  };
}

/** A stage's verdict: its bans in force at AT, and maybe a trigger by a threshold (429). */
function stageVerdict(bans: ActiveBan[], trigger: 'none' | 'threshold' | 'invisible'): PolicyVerdict {
  const status = banStatus(bans, AT);
  return {
    ...status,
    attemptId: '00000000-0000-4000-8000-000000000001',
    trigger: trigger !== 'none',
    gatewayStatus: trigger === 'threshold' ? 429 : status.gatewayStatus,
  };
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('mergeVerdictParts', () => {
  it('gives the verdict the engine gives an attempt it decides in both stages (mergeVerdicts), over random parts', () => {
    const next = random(17);
    const bansOf = (subjects: string[]): ActiveBan[] =>
      subjects
        .filter(() => next() < 0.4)
        .map((subject) => ({ subject, rule: 'r', level: 1 + Math.floor(next() * 3), until: AT + Math.floor(next() * 3_600_000) - 60_000, visible: next() < 0.6 }));
    const triggers = ['none', 'threshold', 'invisible'] as const;
    for (let round = 0; round < 2_000; round++) {
      const network = stageVerdict(bansOf(['ip:203.0.113.7', 'range:203.0.113.0/24']), triggers[Math.floor(next() * 3)]!);
      const account = stageVerdict(bansOf(['account:alice', 'account-ip:alice|203.0.113.7', 'account-credential:alice|fp']), triggers[Math.floor(next() * 3)]!);
      expect(mergeVerdictParts(onTheWire(network), onTheWire(account))).toEqual(onTheWire(mergeVerdicts(networkOutcomeOf(network), account, AT)));
    }
  });
});
