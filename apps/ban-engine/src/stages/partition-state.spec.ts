import { DEFAULT_POLICY, stagePolicy, type SubjectState } from '#warden/ban-policy';
import { PartitionState } from './partition-state.js';

const BAN: SubjectState = { ban: { rule: 'manual', level: 1, since: 0, until: 1_000, visible: true, attemptId: 'a', policy: 'p' } };

function partitionOf(subjects: number): PartitionState {
  const state = new PartitionState(stagePolicy(DEFAULT_POLICY, 'network'), 0n, null);
  for (let i = 0; i < subjects; i++) state.subjects.load(`ip:192.0.2.${i}`, BAN);
  return state;
}

describe('PartitionState: what a checkpoint writes of the subjects', () => {
  it('writes the changes while the chunks hold fewer entries than the subjects and a few thousand', () => {
    const state = partitionOf(10);
    state.chunkedEntries = 4_000;
    const changes = state.subjectChanges(new Map([['ip:192.0.2.1', BAN], ['ip:192.0.2.2', BAN]]), new Set(['ip:192.0.2.2']));
    expect(changes).toEqual({ changed: [{ subject: 'ip:192.0.2.1', state: BAN }], removed: ['ip:192.0.2.2'], snapshot: false, entries: 2 });
    state.checkpointedSubjects(changes);
    expect(state.chunkedEntries).toBe(4_002);
  });

  it('writes every subject kept once the chunks would hold more, and then counts only those', () => {
    const state = partitionOf(10);
    state.chunkedEntries = 5_009;
    const changes = state.subjectChanges(new Map([['ip:192.0.2.1', BAN]]), new Set(['ip:192.0.2.2']));
    expect(changes.snapshot).toBe(true);
    const written = [...changes.changed];
    expect(written.map(({ subject }) => subject)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9].map((i) => `ip:192.0.2.${i}`));
    expect(written[0]!.state).toEqual(BAN);
    state.checkpointedSubjects(changes);
    expect(state.chunkedEntries).toBe(9);
  });
});
