import type { Logger } from '@nestjs/common';
import { TopicLog } from './topic-log.js';

interface CommittedOffset {
  readonly topic: string;
  readonly group: string;
  /** The offset the group reads next. */
  readonly next: number;
}

/**
 * The consumer groups' committed offsets of the in-process bus, kept as Kafka keeps them: a
 * compacted log of commits (one record per commit, keyed by topic and group, the latest wins),
 * so a commit is one small group-committed append rather than a rewritten file.
 */
export class GroupOffsets {
  private constructor(
    private readonly log: TopicLog,
    private readonly byTopic: Map<string, Map<string, number>>,
  ) {}

  static async open(directory: string, segmentBytes: number, logger: Logger): Promise<GroupOffsets> {
    const log = await TopicLog.open({ directory, compacted: true, retentionMs: undefined, committed: new Map(), segmentBytes, now: Date.now, logger });
    const byTopic = new Map<string, Map<string, number>>();
    for (const record of log.records) {
      const { topic, group, next } = JSON.parse(record.value.toString()) as CommittedOffset;
      if (!byTopic.has(topic)) byTopic.set(topic, new Map());
      byTopic.get(topic)!.set(group, next);
    }
    return new GroupOffsets(log, byTopic);
  }

  /** Each group's committed offset of `topic`, as the last run left them. */
  of(topic: string): ReadonlyMap<string, number> {
    return this.byTopic.get(topic) ?? new Map();
  }

  /** Resolves once the commit is on disk. */
  save(topic: string, group: string, next: number): Promise<void> {
    const committed: CommittedOffset = { topic, group, next };
    return this.log.append([{ key: `${topic}\n${group}`, value: JSON.stringify(committed) }]);
  }

  get failure(): Error | undefined {
    return this.log.failure;
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
