import type { VerdictRecord } from '#warden/contracts';
import type { RecentAttemptsChunk } from '#warden/persistence';

/** How many attempt ids each stage partition remembers (about 100 bytes each in memory). */
export const REMEMBERED_IDS_PER_PARTITION = 50_000;

/**
 * The ids of a partition's recent attempts, oldest first, in the chunks its checkpoints wrote:
 * an attempt sent again (a gateway's retry, a producer's resend) is answered its first verdict and
 * never counted twice. The verdicts kept are those a ban applied to; the others were unbanned.
 */
export class RecentAttempts {
  /** Id → its verdict when a ban applied to it, else null. Insertion order is age. */
  private readonly ids = new Map<string, VerdictRecord | null>();
  private readonly chunks: Array<{ fromOffset: bigint; count: number }> = [];

  constructor(private readonly capacity = REMEMBERED_IDS_PER_PARTITION) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  verdictOf(id: string): VerdictRecord | null | undefined {
    return this.ids.get(id);
  }

  get size(): number {
    return this.ids.size;
  }

  /** Adds a checkpointed batch's ids; returns the offset before which chunks fell out of the window (undefined: none did). */
  add(fromOffset: bigint, decided: ReadonlyMap<string, VerdictRecord | null>): bigint | undefined {
    if (decided.size === 0) return undefined;
    for (const [id, verdict] of decided) this.ids.set(id, verdict);
    this.chunks.push({ fromOffset, count: decided.size });
    let forgotten = false;
    while (this.chunks.length > 1 && this.ids.size - this.chunks[0]!.count >= this.capacity) {
      const oldest = this.chunks.shift()!;
      let left = oldest.count;
      for (const id of this.ids.keys()) {
        if (left-- === 0) break;
        this.ids.delete(id);
      }
      forgotten = true;
    }
    return forgotten ? this.chunks[0]!.fromOffset : undefined;
  }

  /** Restores the window from a checkpoint's chunks, oldest first. */
  static load(chunks: readonly RecentAttemptsChunk[], capacity = REMEMBERED_IDS_PER_PARTITION): RecentAttempts {
    const recent = new RecentAttempts(capacity);
    for (const chunk of chunks) {
      const decided = new Map<string, VerdictRecord | null>();
      for (let at = 0; at + 16 <= chunk.ids.length; at += 16) {
        const id = uuidText(chunk.ids.subarray(at, at + 16));
        decided.set(id, (chunk.verdicts[id] as VerdictRecord | undefined) ?? null);
      }
      recent.add(chunk.fromOffset, decided);
    }
    return recent;
  }
}

/** A batch's decided ids as a checkpoint stores them: 16 bytes each, and the verdicts kept. */
export function recentAttemptsChunk(fromOffset: bigint, decided: ReadonlyMap<string, VerdictRecord | null>): RecentAttemptsChunk {
  const ids = Buffer.alloc(decided.size * 16);
  const verdicts: Record<string, VerdictRecord> = {};
  let at = 0;
  for (const [id, verdict] of decided) {
    ids.write(id.replaceAll('-', ''), at, 16, 'hex');
    at += 16;
    if (verdict !== null) verdicts[id] = verdict;
  }
  return { fromOffset, ids, verdicts };
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
