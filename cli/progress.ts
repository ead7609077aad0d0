/** A progress bar on stderr, drawn only when stderr is a terminal and the work is long. */
export class ProgressBar {
  private readonly enabled: boolean;
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    stream: NodeJS.WriteStream = process.stderr,
    minimum = 20,
  ) {
    this.stream = stream;
    this.enabled = Boolean(stream.isTTY) && total >= minimum;
  }

  private readonly stream: NodeJS.WriteStream;

  update(done: number, note = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    const filled = Math.round((done / this.total) * width);
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.stream.write(
      `\r${bar} ${done}/${this.total} ${this.label} ${rate.toFixed(1)}/s ${note}`.slice(
        0,
        (this.stream.columns ?? 120) - 1,
      ),
    );
  }

  finish(): void {
    if (this.enabled) this.stream.write('\r\x1b[2K');
  }
}
