/** `2026-12-01T21:50:40.123Z` → `2026-12-01 21:50:40Z`: short enough for a table, still UTC and sortable. */
export function timeText(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
