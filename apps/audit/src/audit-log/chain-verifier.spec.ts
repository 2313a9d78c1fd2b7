import { randomUUID } from 'node:crypto';
import { INCIDENT_SCHEMA_VERSION, type AuditedIncident, type IncidentRecord } from '#warden/contracts';
import { chainIncidents, EMPTY_CHAIN, entryHash } from './audit-chain.js';
import { ChainVerifier } from './chain-verifier.js';

const incident = (n: number): IncidentRecord => ({
  schemaVersion: INCIDENT_SCHEMA_VERSION,
  id: randomUUID(),
  type: 'ban_imposed',
  severity: 'medium',
  subject: `ip:192.0.2.${n}`,
  rule: 'ip-failures',
  level: 1,
  until: '2026-11-23T10:10:00+00:00',
  attemptIds: [randomUUID().toUpperCase()],
  actor: 'policy',
  reason: null,
  at: '2026-11-23T12:00:00.123+02:00',
  simulated: false,
  policyVersion: 'v1',
});

const chain = (length: number) => chainIncidents(EMPTY_CHAIN, Array.from({ length }, (_, n) => incident(n)), new Date('2026-11-23T10:00:01Z'));

function verify(entries: readonly AuditedIncident[]) {
  const verifier = new ChainVerifier();
  for (const entry of entries) if (!verifier.check(entry)) break;
  return verifier.result();
}

describe('audit chain', () => {
  it('numbers entries from the head, links each to the one before, and keeps times as the table does', () => {
    const entries = chain(3);
    expect(entries.map((entry) => entry.sequence)).toEqual([1, 2, 3]);
    expect(entries[0]!.hash).toBe(entryHash(EMPTY_CHAIN.hash, entries[0]!));
    expect(entries[2]!.hash).toBe(entryHash(entries[1]!.hash, entries[2]!));
    expect(entries[0]).toMatchObject({ at: '2026-11-23T10:00:00.123Z', until: '2026-11-23T10:10:00.000Z', recordedAt: '2026-11-23T10:00:01.000Z' });
    expect(entries[0]!.attemptIds[0]).toMatch(/^[0-9a-f-]+$/);
    const more = chainIncidents(entries[2]!, [incident(9)], new Date());
    expect(more[0]!.sequence).toBe(4);
    expect(verify([...entries, ...more])).toEqual({ ok: true, checked: 4, headHash: more[0]!.hash });
  });

  it('is ok when empty', () => {
    expect(verify([])).toEqual({ ok: true, checked: 0, headHash: null });
  });

  it('names an entry whose content changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, subject: 'ip:10.0.0.1' };
    expect(verify(entries)).toMatchObject({ ok: false, checked: 3, firstBrokenId: entries[2]!.id });
  });

  it('names the entry after one that was removed', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verify(entries)).toMatchObject({ ok: false, checked: 2, firstBrokenId: entries[1]!.id, problem: expect.stringContaining('missing') });
  });

  it('names an entry moved to another place, even with its sequence rewritten', () => {
    const entries = chain(4);
    const [second, third] = [entries[1]!, entries[2]!];
    entries[1] = { ...third, sequence: 2 };
    entries[2] = { ...second, sequence: 3 };
    expect(verify(entries)).toMatchObject({ ok: false, checked: 2, firstBrokenId: third.id });
  });

  it('names the entry after one whose hash was recomputed to match a change', () => {
    const entries = chain(4);
    const changed = { ...entries[1]!, reason: 'nothing to see' };
    entries[1] = { ...changed, hash: entryHash(entries[0]!.hash, changed) };
    expect(verify(entries)).toMatchObject({ ok: false, checked: 3, firstBrokenId: entries[2]!.id });
  });

  it('covers every field of an entry', () => {
    const [entry] = chain(1);
    const changes: Array<Partial<AuditedIncident>> = [
      { id: randomUUID() }, { type: 'ban_lifted' }, { severity: 'high' }, { subject: 'ip:x' }, { rule: null }, { level: 2 }, { until: null },
      { attemptIds: [] }, { actor: 'soc' }, { reason: 'r' }, { at: '2026-01-01T00:00:00.000Z' }, { simulated: true }, { policyVersion: 'v2' },
      { recordedAt: '2026-01-01T00:00:00.000Z' },
    ];
    for (const change of changes) expect(verify([{ ...entry!, ...change }]).ok).toBe(false);
  });
});
