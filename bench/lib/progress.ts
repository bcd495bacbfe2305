/**
 * Progress on stderr (stdout stays clean for tables). On a terminal one status line is rewritten in place;
 * otherwise (CI logs, pipes) each step is printed on its own line.
 */
export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private readonly tty: boolean;
  private line = '';

  constructor(private readonly totalMs: number, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  /** Announces a step expected to take `expectedMs`; call before starting it. */
  step(label: string, expectedMs: number): void {
    const pct = this.totalMs > 0 ? Math.min(99, Math.floor((this.done / this.totalMs) * 100)) : 0;
    const eta = Math.max(0, Math.round((this.totalMs - this.done) / 1000));
    this.show(`[${String(pct).padStart(2)}% · ${fmtS((Date.now() - this.started) / 1000)} elapsed · ~${fmtS(eta)} left] ${label}`);
    this.done += expectedMs;
  }

  /** A message that should stay visible (warnings, phase summaries). */
  log(message: string): void {
    this.clear();
    this.out.write(message + '\n');
    if (this.tty && this.line) this.out.write(this.line);
  }

  finish(message?: string): void {
    this.clear();
    this.line = '';
    if (message) this.out.write(message + '\n');
  }

  private show(text: string): void {
    if (!this.tty) {
      this.out.write(text + '\n');
      return;
    }
    this.clear();
    const width = this.out.columns || 120;
    this.line = text.length > width - 1 ? text.slice(0, width - 2) + '…' : text;
    this.out.write(this.line);
  }

  private clear(): void {
    if (this.tty && this.line) this.out.write('\r\x1b[2K');
  }
}

function fmtS(s: number): string {
  const sec = Math.round(s);
  return sec >= 60 ? `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, '0')}s` : `${sec}s`;
}
