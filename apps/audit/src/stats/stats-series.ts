/** Counts per minute of a window under names: a name's series has one count per minute. */
export class StatsSeries {
  private readonly series = new Map<string, number[]>();

  constructor(private readonly minutes: number, names: readonly string[] = []) {
    for (const name of names) this.seriesOf(name);
  }

  /** Adds `count` to `name` at `minute` (0 = the window's first); minutes outside the window are dropped. */
  add(name: string, minute: number, count: number): void {
    if (minute < 0 || minute >= this.minutes) return;
    this.seriesOf(name)[minute]! += count;
  }

  toJSON(): Record<string, number[]> {
    return Object.fromEntries([...this.series].sort(([a], [b]) => a.localeCompare(b)));
  }

  private seriesOf(name: string): number[] {
    let counts = this.series.get(name);
    if (!counts) this.series.set(name, (counts = new Array<number>(this.minutes).fill(0)));
    return counts;
  }
}
