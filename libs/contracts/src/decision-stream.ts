import type { z } from 'zod';
import { banDecisionRecordSchema } from './ban-decision.js';

/** The `Warden-Stream-Epoch` response header of `GET /v1/decisions/stream`: cursors of another epoch mean nothing. */
export const DECISION_STREAM_EPOCH_HEADER = 'warden-stream-epoch';

/**
 * The data of a `decision` event of `GET /v1/decisions/stream` (DESIGN §5): a subject's latest
 * decision, the `auth.ban-decisions` record without its bookkeeping. After the backlog comes one
 * `synced` event (`{decisions}`: how many the backlog held); every event id is a cursor to resume from.
 */
export const decisionStreamEventSchema = banDecisionRecordSchema.unwrap().pick({
  subject: true,
  scope: true,
  state: true,
  rule: true,
  level: true,
  until: true,
  visible: true,
});

export type DecisionStreamEvent = z.infer<typeof decisionStreamEventSchema>;
