export interface ProgressOptions {
  /** Where to draw (default stderr: stdout is the command's output). */
  readonly stream?: NodeJS.WriteStream;
  /** Draw only when there are at least this many items (default 20). */
  readonly minimum?: number;
  /** Draw even when the stream is not a terminal (`--progress`): one line per update, no cursor moves. */
  readonly force?: boolean;
}

/**
 * Progress on stderr, drawn only when stderr is a terminal (or when forced) and the work is long: a
 * bar when the total is known, a running count while it is not (listing an account's resources).
 * On a terminal it redraws one line; forced onto a file or pipe it writes a line per update, at most
 * one every half second.
 */
export class ProgressBar {
  private readonly enabled: boolean;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WriteStream;
  private readonly minimum: number;
  private started = Date.now();
  private lastDraw = 0;

  constructor(
    private total: number,
    private label: string,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.minimum = options.minimum ?? 20;
    this.enabled = this.tty || Boolean(options.force);
  }

  /** Starts a new phase: another label and total (0: unknown, a running count). */
  restart(total: number, label: string): void {
    this.finish();
    this.total = total;
    this.label = label;
    this.started = Date.now();
    this.lastDraw = 0;
  }

  update(done: number, note = ''): void {
    if (!this.enabled || (this.total > 0 && this.total < this.minimum)) return;
    const now = Date.now();
    const last = this.total > 0 && done >= this.total;
    if (!last && now - this.lastDraw < (this.tty ? 80 : 500)) return;
    this.lastDraw = now;
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    const text = `${this.bar(done)}${done}${this.total > 0 ? `/${this.total}` : ''} ${this.label} ${rate.toFixed(1)}/s ${note}`;
    if (this.tty) this.stream.write(`\r${text.slice(0, (this.stream.columns ?? 120) - 1)}`);
    else this.stream.write(`${text.trimEnd()}\n`);
  }

  finish(): void {
    if (this.enabled && this.tty && this.lastDraw) this.stream.write('\r\x1b[2K');
  }

  private bar(done: number): string {
    if (this.total <= 0) return '';
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    const filled = Math.round((Math.min(done, this.total) / this.total) * width);
    return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} `;
  }
}
