import { randomUUID } from 'node:crypto';
import { INCIDENT_SCHEMA_VERSION, type AuditedIncident, type IncidentRecord } from '#warden/contracts';
import { chainIncidents, EMPTY_CHAIN, entryHash, entrySignature, type ChainEntry, type ChainHead } from './audit-chain.js';
import { ChainVerifier, type ChainVerifierOptions } from './chain-verifier.js';

const KEY = 'k3y-of-at-least-thirty-two-characters!';

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

/** `length` entries as the repository appends them: signed under `key`, or unsigned without one. */
const chain = (length: number, key?: string): ChainEntry[] =>
  signed(chainIncidents(EMPTY_CHAIN, Array.from({ length }, (_, n) => incident(n)), new Date('2026-11-23T10:00:01Z')), key);

const signed = (entries: readonly AuditedIncident[], key?: string): ChainEntry[] =>
  entries.map((entry) => ({ ...entry, signature: key === undefined ? null : entrySignature(key, entry) }));

function verify(entries: readonly ChainEntry[], options?: ChainVerifierOptions) {
  const verifier = new ChainVerifier(options);
  for (const entry of entries) if (!verifier.check(entry)) break;
  return verifier.result();
}

/** What someone who can write the table but holds no key can do: recompute every hash from entry `from` on. */
function rechain(entries: readonly ChainEntry[], from: number, change: Partial<AuditedIncident>): ChainEntry[] {
  const result = entries.slice(0, from);
  let previous: ChainHead = from === 0 ? EMPTY_CHAIN : result[from - 1]!;
  for (const entry of entries.slice(from)) {
    const content = result.length === from ? { ...entry, ...change } : entry;
    const rewritten = { ...content, hash: entryHash(previous.hash, content) };
    result.push(rewritten);
    previous = rewritten;
  }
  return result;
}

const headOf = (entry: ChainEntry): ChainHead => ({ sequence: entry.sequence, hash: entry.hash });

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
    expect(verify(signed([...entries, ...more]))).toEqual({
      ok: true,
      checked: 4,
      headHash: more[0]!.hash,
      keyed: false,
      head: { sequence: 4, hash: more[0]!.hash, signature: null },
    });
  });

  it('is ok when empty', () => {
    expect(verify([])).toEqual({ ok: true, checked: 0, headHash: null, keyed: false, head: null });
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

/** The three tamperings the chain alone cannot see (issue 13 item 11), and the anchors that do. */
describe('audit chain anchors: a key and a known head', () => {
  const entries = chain(5, KEY);
  const knownHead = headOf(entries[4]!);
  const truncated = entries.slice(0, 3);
  const rewritten = rechain(entries, 1, { reason: 'nothing to see' });

  it('with neither, the three pass unseen: a shorter, a rewritten and an empty chain are each consistent', () => {
    for (const tampered of [truncated, rewritten, []]) expect(verify(tampered).ok).toBe(true);
  });

  it('with a key: a rewrite with recomputed hashes fails at its first entry, whether it kept or dropped the signatures', () => {
    expect(verify(rewritten, { key: KEY })).toMatchObject({ ok: false, checked: 2, firstBrokenId: entries[1]!.id, problem: expect.stringContaining('signature') });
    const unsigned = rewritten.map((entry, i) => (i >= 1 ? { ...entry, signature: null } : entry));
    expect(verify(unsigned, { key: KEY })).toMatchObject({ ok: false, checked: 2, firstBrokenId: entries[1]!.id, problem: expect.stringContaining('not signed') });
    expect(verify(rewritten.map((entry) => ({ ...entry, signature: null })), { key: KEY })).toMatchObject({ ok: false, problem: expect.stringContaining('last entry') });
    expect(verify(entries, { key: 'another-key-of-thirty-two-characters!' })).toMatchObject({ ok: false, checked: 1 });
  });

  it('with a key alone, a truncated or emptied log still verifies: only a head kept elsewhere shows those', () => {
    expect(verify(truncated, { key: KEY }).ok).toBe(true);
    expect(verify([], { key: KEY }).ok).toBe(true);
  });

  it('with a known head: a truncated, an emptied and a rewritten log each fail, with or without a key', () => {
    for (const key of [KEY, undefined]) {
      expect(verify(truncated, { key, knownHead })).toMatchObject({ ok: false, checked: 3, problem: expect.stringContaining('removed from its end') });
      expect(verify([], { key, knownHead })).toMatchObject({ ok: false, checked: 0, problem: expect.stringContaining('removed from its end') });
    }
    expect(verify(signed(rewritten), { knownHead })).toMatchObject({ ok: false, checked: 5, firstBrokenId: entries[4]!.id, problem: expect.stringContaining('known head') });
    // Truncated, then new entries appended in the removed ones' places: the head's place holds another entry.
    const refilled = signed([...truncated, ...chainIncidents(truncated[2]!, [incident(7), incident(8)], new Date())], KEY);
    expect(verify(refilled, { key: KEY, knownHead })).toMatchObject({ ok: false, firstBrokenId: refilled[4]!.id });
  });

  it('accepts the untouched log with both, and answers its signed head to keep', () => {
    expect(verify(entries, { key: KEY, knownHead })).toEqual({
      ok: true,
      checked: 5,
      headHash: knownHead.hash,
      keyed: true,
      head: { ...knownHead, signature: entrySignature(KEY, knownHead) },
    });
    // An older head is fine too: the log grew since.
    expect(verify(entries, { key: KEY, knownHead: headOf(entries[1]!) }).ok).toBe(true);
  });

  it('accepts unsigned entries from before the key was set, then signed ones', () => {
    const older = signed(chainIncidents(EMPTY_CHAIN, [incident(1), incident(2)], new Date()));
    const newer = signed(chainIncidents(older[1]!, [incident(3)], new Date()), KEY);
    expect(verify([...older, ...newer], { key: KEY }).ok).toBe(true);
    expect(verify(older, { key: KEY })).toMatchObject({ ok: false, problem: expect.stringContaining('not signed') });
  });
});
