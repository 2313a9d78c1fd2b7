import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../database.js';
import { Prisma } from '../generated/prisma/client.js';
import { inTransaction, type Transaction } from '../transaction.js';

/** One stage partition's place (`stage`: `network` or `account` after the topics' prefix; the topic's partition). */
export interface StagePartition {
  readonly stage: string;
  readonly partition: number;
}

/** The ids decided in one checkpoint's batch (16 bytes each), with the verdicts kept for those a ban applied to. */
export interface RecentAttemptsChunk {
  /** The offset of the batch's first record: the chunk's place in the window. */
  readonly fromOffset: bigint;
  readonly ids: Buffer;
  readonly verdicts: Readonly<Record<string, unknown>>;
}

/** What a new owner of a partition starts from. */
export interface LoadedCheckpoint {
  /** The next offset to read: every record before it is reflected in the states. */
  readonly nextOffset: bigint;
  /** The partition's stream time then (epoch ms). */
  readonly streamTime: number;
  readonly states: ReadonlyArray<{ readonly subject: string; readonly state: unknown }>;
  /** How many subject entries the chunks read held (a subject changed in several counts in each): see `CheckpointChanges.snapshot`. */
  readonly chunkedEntries: number;
  /** Oldest first. */
  readonly recentAttempts: readonly RecentAttemptsChunk[];
}

/** What one batch changed, written with its new offset. */
export interface CheckpointChanges {
  /** The offset the partition was checkpointed at before this batch (null: never): a different one in the table means another owner went on meanwhile. */
  readonly expectedOffset: bigint | null;
  readonly nextOffset: bigint;
  readonly streamTime: number;
  /** Read once, as the chunk is written. */
  readonly changed: Iterable<{ readonly subject: string; readonly state: unknown }>;
  /** Subjects whose state holds nothing the policy still needs. */
  readonly removed: readonly string[];
  /**
   * `changed` is every subject the partition holds, and the chunks of earlier checkpoints are
   * deleted. The engine writes one now and then (when, it decides: `PartitionState`), so that a
   * load reads a bounded number of chunks.
   */
  readonly snapshot?: boolean;
  readonly recentAttempts?: RecentAttemptsChunk;
  /** Chunks that fell out of the window: those that start before this offset. */
  readonly forgetAttemptsBefore?: bigint;
}

/** The checkpoint in the table is not the one this owner holds: another owner checkpointed meanwhile, so this one's state is stale. */
export class StaleCheckpointError extends Error {
  constructor(where: StagePartition, expected: bigint | null) {
    super(`the checkpoint of ${where.stage} partition ${where.partition} is no longer at ${expected ?? 'its start'}: another owner went on`);
    this.name = StaleCheckpointError.name;
  }
}

/** The most subjects one piece of a chunk holds: a checkpoint of a million subjects is fifty rows, not one text of a hundred megabytes. */
const SUBJECTS_PER_PIECE = 20_000;

/**
 * The engine's checkpoints (`engine_checkpoints`, `engine_state_chunks`,
 * `engine_recent_attempts`): what each stage partition holds in memory, made durable batch by
 * batch, and read back by a partition's next owner. The subjects' states are a log: each
 * checkpoint appends what it changed as one chunk (one row, where a row per subject cost Postgres
 * ten times as much), and a snapshot now and then starts the log afresh.
 */
@Injectable()
export class StageCheckpointsRepository {
  constructor(@Inject(Database) private readonly database: Database) {}

  /**
   * The checkpoint, its states and its ids from one snapshot: read while another owner writes its
   * next checkpoint, they still belong together (this owner then decides what that one did, the
   * same, and its first save finds the newer checkpoint and loads again). Through node-postgres,
   * as they are written: a partition's state can be a hundred thousand rows.
   */
  async load({ stage, partition }: StagePartition): Promise<LoadedCheckpoint | undefined> {
    return inTransaction(
      this.database,
      async (tx) => {
        // Bigints come as their decimal text.
        const [checkpoint] = await tx.query<{ next_offset: string; stream_time: string }>(Prisma.sql`
          SELECT next_offset, stream_time FROM engine_checkpoints WHERE stage = ${stage} AND partition = ${partition}`);
        if (checkpoint === undefined) return undefined;
        const pieces = await tx.query<{ states: string }>(Prisma.sql`
          SELECT states FROM engine_state_chunks WHERE stage = ${stage} AND partition = ${partition} ORDER BY checkpoint_offset, piece`);
        const chunks = await tx.query<{ from_offset: string; ids: Buffer; verdicts: Record<string, unknown> }>(Prisma.sql`
          SELECT from_offset, ids, verdicts FROM engine_recent_attempts WHERE stage = ${stage} AND partition = ${partition} ORDER BY from_offset`);
        return {
          nextOffset: BigInt(checkpoint.next_offset),
          streamTime: Number(checkpoint.stream_time),
          ...replayChunks(pieces),
          recentAttempts: chunks.map((chunk) => ({ fromOffset: BigInt(chunk.from_offset), ids: chunk.ids, verdicts: chunk.verdicts })),
        };
      },
      'snapshot',
    );
  }

  /**
   * Writes one batch's changes; throws StaleCheckpointError (and the transaction rolls back) when
   * another owner checkpointed meanwhile. One statement (each part a CTE that runs only if the
   * checkpoint moved): a checkpoint is on the engine's path, and every round trip delays the next batch.
   */
  async save(tx: Transaction, where: StagePartition, changes: CheckpointChanges): Promise<void> {
    const { stage, partition } = where;
    const moved =
      changes.expectedOffset === null
        ? Prisma.sql`
            INSERT INTO engine_checkpoints (stage, partition, next_offset, stream_time) VALUES (${stage}, ${partition}, ${changes.nextOffset}, ${changes.streamTime})
            ON CONFLICT DO NOTHING RETURNING 1`
        : Prisma.sql`
            UPDATE engine_checkpoints SET next_offset = ${changes.nextOffset}, stream_time = ${changes.streamTime}, updated_at = now()
            WHERE stage = ${stage} AND partition = ${partition} AND next_offset = ${changes.expectedOffset} RETURNING 1`;
    const chunk = changes.recentAttempts !== undefined && changes.recentAttempts.ids.length > 0 ? changes.recentAttempts : undefined;
    const pieces = chunkPieces(changes);
    // A parameter each, not a text[]: pg's array literal would escape every quote of the JSON.
    const appended =
      pieces.length === 0
        ? Prisma.empty
        : Prisma.sql`appended AS (
            INSERT INTO engine_state_chunks (stage, partition, checkpoint_offset, piece, states)
            SELECT ${stage}::text, ${partition}::int, ${changes.nextOffset}::bigint, piece, states
            FROM (VALUES ${Prisma.join(pieces.map((states, piece) => Prisma.sql`(${piece}::int, ${states}::text)`))}) AS pieces(piece, states)
            WHERE EXISTS (SELECT 1 FROM moved)),`;
    // Parameters in a SELECT list carry their type: node-postgres sends every one untyped.
    const [result] = await tx.query<{ moved: number }>(Prisma.sql`
      WITH moved AS (${moved}),
      ${appended}
      compacted AS (
        DELETE FROM engine_state_chunks
        WHERE stage = ${stage} AND partition = ${partition} AND checkpoint_offset < ${changes.nextOffset}::bigint
          AND ${changes.snapshot === true}::boolean AND EXISTS (SELECT 1 FROM moved)),
      remembered AS (
        INSERT INTO engine_recent_attempts (stage, partition, from_offset, ids, verdicts)
        SELECT ${stage}::text, ${partition}::int, ${chunk?.fromOffset ?? 0n}::bigint, ${chunk?.ids ?? Buffer.alloc(0)}::bytea,
          ${JSON.stringify(chunk?.verdicts ?? {})}::jsonb
        WHERE ${chunk !== undefined}::boolean AND EXISTS (SELECT 1 FROM moved)),
      forgotten AS (
        DELETE FROM engine_recent_attempts
        WHERE stage = ${stage} AND partition = ${partition} AND from_offset < ${changes.forgetAttemptsBefore ?? null}::bigint AND EXISTS (SELECT 1 FROM moved))
      SELECT count(*)::int AS moved FROM moved`);
    if (result?.moved !== 1) throw new StaleCheckpointError(where, changes.expectedOffset);
  }
}

/**
 * What a checkpoint appends of its subjects: pieces of at most SUBJECTS_PER_PIECE, each one JSON
 * object by subject (null for a removed one; a snapshot needs none, as no chunk before it stays).
 */
function chunkPieces(changes: CheckpointChanges): string[] {
  const pieces: string[] = [];
  // No prototype: no subject could set one (every subject starts with its scope, but the table does not say so).
  let piece = Object.create(null) as Record<string, unknown>;
  let count = 0;
  const add = (subject: string, state: unknown) => {
    if (count === SUBJECTS_PER_PIECE) {
      pieces.push(JSON.stringify(piece));
      piece = Object.create(null) as Record<string, unknown>;
      count = 0;
    }
    piece[subject] = state;
    count++;
  };
  for (const { subject, state } of changes.changed) add(subject, state);
  if (changes.snapshot !== true) for (const subject of changes.removed) add(subject, null);
  if (count > 0) pieces.push(JSON.stringify(piece));
  return pieces;
}

/** The states the chunks leave, oldest chunk first: each entry replaces its subject's state, a null removes it. */
function replayChunks(pieces: ReadonlyArray<{ readonly states: string }>): Pick<LoadedCheckpoint, 'states' | 'chunkedEntries'> {
  const states = new Map<string, unknown>();
  let chunkedEntries = 0;
  for (const piece of pieces) {
    const entries = JSON.parse(piece.states) as Record<string, unknown>;
    for (const subject in entries) {
      const state = entries[subject];
      if (state === null) states.delete(subject);
      else states.set(subject, state);
      chunkedEntries++;
    }
  }
  return { states: [...states].map(([subject, state]) => ({ subject, state })), chunkedEntries };
}
