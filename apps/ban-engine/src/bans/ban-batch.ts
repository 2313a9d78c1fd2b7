import type { BanDecision, Incident } from '#warden/ban-policy';
import type { OutgoingRecord } from '#warden/kafka';
import type { BanEventRow, BanRow } from '#warden/persistence';
import { banDecisionRecord, banEventRow, banRow, incidentRecord } from '../decisions/wire-records.js';

/** How long a batch waits for the saga's commands before it gives up and is retried. */
const SAGA_DEADLINE_MS = 30_000;

/**
 * What the saga's commands add to one batch's transaction: ban rows, ban history, and the
 * decisions and incidents to publish. The batch's handler waits until every ban the policy decided
 * has been announced, or fails when any step failed (a saga swallows errors: the guard and the
 * handlers report them here), so the consumer commits only once the whole chain is done.
 */
export class BanBatch {
  readonly bans: BanRow[] = [];
  readonly banEvents: BanEventRow[] = [];
  readonly decisionRecords: OutgoingRecord[] = [];
  readonly incidentRecords: OutgoingRecord[] = [];
  private outstanding = 0;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  /** The saga is about to handle `count` more decided bans. */
  expect(count: number): void {
    this.outstanding += count;
  }

  recordBan(decision: BanDecision): void {
    this.bans.push(banRow(decision));
    this.banEvents.push(banEventRow(decision));
  }

  /** The last step of one ban's chain: its decision and incident are ready to publish. */
  announce(decision: BanDecision, incident: Incident): void {
    this.decisionRecords.push({ key: decision.subject, value: JSON.stringify(banDecisionRecord(decision)) });
    this.incidentRecords.push({ key: incident.subject, value: JSON.stringify(incidentRecord(incident)) });
    this.outstanding -= 1;
    if (this.outstanding === 0) this.wake?.();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake?.();
  }

  /** Resolves once every expected ban is announced; rejects with the first failure, or at the deadline. */
  async settled(deadlineMs = SAGA_DEADLINE_MS): Promise<void> {
    if (this.outstanding > 0 && this.failure === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, deadlineMs);
      });
      clearTimeout(timer);
    }
    if (this.failure !== undefined) throw this.failure.error;
    if (this.outstanding > 0) throw new Error(`the ban saga left ${this.outstanding} ban(s) unannounced after ${deadlineMs} ms`);
  }
}
