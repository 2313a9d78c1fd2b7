import { SubjectStates, type Policy, type SubjectState } from '#warden/ban-policy';
import type { CheckpointChanges } from '#warden/persistence';
import { ExpiryQueue } from './expiry-queue.js';
import { RecentAttempts } from './recent-attempts.js';

/** What a checkpoint writes of a partition's subjects. */
export type SubjectChanges = Pick<CheckpointChanges, 'changed' | 'removed'> & {
  readonly snapshot: boolean;
  /** How many subject entries it adds to the chunks (a snapshot: the only ones left). */
  readonly entries: number;
};

/** Entries the chunks may hold beyond the subjects before a snapshot: a small partition is not written whole at every checkpoint. */
const SNAPSHOT_SLACK = 5_000;

/**
 * What one stage partition holds in memory: its subjects' state (in the policy's compact form,
 * changed in place by `decideBatch`), its recent ids, its stream time and where it is in its log.
 * A batch changes it as it goes; a batch that fails drops it, and the partition is loaded again
 * from its checkpoint.
 */
export class PartitionState {
  readonly subjects: SubjectStates;
  recent = new RecentAttempts();
  /** Chunks of recent ids that fell out of the window, forgotten by the next checkpoint. */
  forgetAttemptsBefore: bigint | undefined;
  /** The latest event time this partition decided (epoch ms): its stream time, by which bans end. */
  streamTime = 0;
  /** The ends of its bans in force, announced as the stream time passes them. */
  readonly expiries = new ExpiryQueue();
  /** When (wall clock) its subjects were last swept for states that hold nothing any more. */
  lastSweep = Date.now();
  /** Subject entries in its checkpoint's chunks since their last snapshot: a new owner reads them all (`subjectChanges`). */
  chunkedEntries = 0;

  constructor(
    /** The stage's policy, by whose rules the subjects' state is laid out. */
    policy: Policy,
    /** The next offset to decide: every record before it is in the state. */
    public nextOffset: bigint,
    /** The offset of its last checkpoint in the table (null: none yet), which the next one must find there. */
    public checkpointed: bigint | null,
  ) {
    this.subjects = new SubjectStates(policy);
  }

  /**
   * What a checkpoint writes of the subjects after a batch that changed `changed` and left
   * `removed` holding nothing: those changes, or, once the chunks would hold more entries than there
   * are subjects (and a few thousand), every subject (a snapshot). So a new owner reads at most
   * about twice the state, and the snapshots cost no more than the chunks they replace.
   */
  subjectChanges(changed: ReadonlyMap<string, SubjectState>, removed: ReadonlySet<string>): SubjectChanges {
    const kept = [...changed.keys()].filter((subject) => !removed.has(subject));
    if (this.chunkedEntries + kept.length + removed.size <= this.subjects.size + SNAPSHOT_SLACK) {
      return { changed: kept.map((subject) => ({ subject, state: changed.get(subject)! })), removed: [...removed], snapshot: false, entries: kept.length + removed.size };
    }
    // Every subject kept, read as the checkpoint writes them: no second copy of the whole state at once.
    return { changed: this.statesKept(removed), removed: [...removed], snapshot: true, entries: this.subjects.size - removed.size };
  }

  /** Counts what a checkpoint wrote (`subjectChanges`) into the chunks a new owner would read. */
  checkpointedSubjects({ snapshot, entries }: SubjectChanges): void {
    this.chunkedEntries = snapshot ? entries : this.chunkedEntries + entries;
  }

  /** Every subject's state as plain JSON but those of `removed` (each of them a subject it holds). */
  private *statesKept(removed: ReadonlySet<string>): Generator<{ subject: string; state: SubjectState }> {
    for (const subject of this.subjects.subjects()) if (!removed.has(subject)) yield { subject, state: this.subjects.toJson(subject)! };
  }

  /** A subject's state as plain JSON (a copy), or undefined when it has none. */
  stateOf(subject: string): SubjectState | undefined {
    return this.subjects.toJson(subject);
  }
}
