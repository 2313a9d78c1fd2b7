import type { OutgoingRecord } from '#warden/kafka';
import type { BanEventRow, BanRow } from '#warden/persistence';

/** What a ban step yields for the stage to publish and checkpoint: the ban's row and history row, its decision and its incident. */
export interface RecordedBan {
  readonly row: BanRow;
  readonly event: BanEventRow;
  readonly decisionRecord: OutgoingRecord;
  readonly incidentRecord: OutgoingRecord;
}
