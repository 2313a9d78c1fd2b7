/** What a progress line writes to: a terminal, or a pipe or file (no `isTTY`). */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Lines written to a pipe at most this often: a log should not get one line per poll. */
const PIPE_INTERVAL_MS = 1_000;

/**
 * One status line that updates in place on a terminal. Written to a pipe, it prints a line when
 * the text changes, at most once a second, so logs stay short.
 */
export class ProgressLine {
  private shown = '';
  private lastPrinted = 0;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
  ) {}

  update(text: string): void {
    if (text === this.shown) return;
    if (this.out.isTTY) {
      this.out.write(`\r${text}\x1b[K`);
      this.shown = text;
    } else if (this.now() - this.lastPrinted >= PIPE_INTERVAL_MS) {
      this.out.write(`${text}\n`);
      this.shown = text;
      this.lastPrinted = this.now();
    }
  }

  /** Ends the line with its final text. */
  done(text: string): void {
    if (this.out.isTTY) this.out.write(`\r${text}\x1b[K\n`);
    else if (text !== this.shown) this.out.write(`${text}\n`);
    this.shown = '';
    this.lastPrinted = 0;
  }
}
