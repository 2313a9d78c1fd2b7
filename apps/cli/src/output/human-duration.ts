/** `1893` → `31 min 33 s`. */
export function humanDuration(seconds: number): string {
  const h = Math.floor(seconds / 3_600);
  const min = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`;
  if (min > 0) return s > 0 ? `${min} min ${s} s` : `${min} min`;
  return `${s} s`;
}
