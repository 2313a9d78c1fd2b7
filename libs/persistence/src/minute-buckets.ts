/**
 * Whole minutes from `from` to the minute `start`. Grouping by date_trunc (a timestamp operation)
 * rather than by arithmetic on extract(epoch …), which is numeric since PostgreSQL 14, keeps the
 * aggregation a fraction of the scan's cost.
 */
export function minutesBetween(from: Date, start: Date): number {
  return Math.floor((start.getTime() - from.getTime()) / 60_000);
}
