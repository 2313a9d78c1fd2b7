import { prunableAfter, type Policy, type SubjectState } from '#warden/ban-policy';
import type { SubjectStateRow } from '#warden/persistence';

/** A subject's state as the engine stores it; an empty state is prunable at once (epoch 0). */
export function subjectStateRow(subject: string, state: SubjectState, policy: Policy): SubjectStateRow {
  const after = prunableAfter(state, policy);
  return { subject, state, prunableAfter: new Date(Number.isFinite(after) ? after : 0) };
}
