import { SubjectStates, type Policy, type SubjectState } from '#warden/ban-policy';
import { ExpiryQueue } from './expiry-queue.js';
import { RecentAttempts } from './recent-attempts.js';

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

  /** A subject's state as plain JSON (a copy), or undefined when it has none. */
  stateOf(subject: string): SubjectState | undefined {
    return this.subjects.toJson(subject);
  }
}
