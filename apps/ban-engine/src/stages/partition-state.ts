import { SubjectStates, type Policy, type SubjectState } from '#warden/ban-policy';
import type { CheckpointPipeline } from './checkpoint-pipeline.js';
import { ExpiryQueue } from './expiry-queue.js';
import { RecentAttempts } from './recent-attempts.js';

/**
 * What one stage partition holds in memory: its subjects' state (in the policy's compact form,
 * changed in place by `decideBatch`), its recent ids, its stream time, where it is in its log and
 * the pipeline that makes what it decided durable. A batch changes it as it goes; a batch or a
 * checkpoint that fails drops it, and the partition is loaded again from its checkpoint.
 */
export class PartitionState {
  readonly subjects: SubjectStates;
  recent = new RecentAttempts();
  /** The latest event time this partition decided (epoch ms): its stream time, by which bans end. */
  streamTime = 0;
  /** The ends of its bans in force, announced as the stream time passes them. */
  readonly expiries = new ExpiryQueue();
  /** When (wall clock) its subjects were last swept for states that hold nothing any more. */
  lastSweep = Date.now();
  /** The offset the bus was last rewound to for this state (at most once per checkpoint it was loaded from). */
  rewoundTo: bigint | undefined;

  constructor(
    /** The stage's policy, by whose rules the subjects' state is laid out. */
    policy: Policy,
    /** The next offset to decide: every record before it is in the state. */
    public nextOffset: bigint,
    /** Sends and checkpoints what it decided. */
    readonly pipeline: CheckpointPipeline,
  ) {
    this.subjects = new SubjectStates(policy);
  }

  /** A subject's state as plain JSON (a copy), or undefined when it has none. */
  stateOf(subject: string): SubjectState | undefined {
    return this.subjects.toJson(subject);
  }
}
