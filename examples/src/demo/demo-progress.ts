// What the demo shows while it runs, on stderr: plain lines, and progress bars redrawn in place
// with `\r` when stderr is a terminal (one line per bar when it is not, e.g. in CI logs).

export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 24;

export class DemoProgress {
  readonly #out: ProgressSink;
  #open = false;

  constructor(out: ProgressSink = process.stderr) {
    this.#out = out;
  }

  line(text: string): void {
    this.#closeBar();
    this.#out.write(`${text}\n`);
  }

  /** Draws `label [#####.....] done/total detail`; the bar ends when done reaches total. */
  bar(label: string, done: number, total: number, detail = ''): void {
    const filled = total === 0 ? BAR_WIDTH : Math.round((BAR_WIDTH * done) / total);
    const text = `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}${detail ? ` ${detail}` : ''}`;
    if (this.#out.isTTY) {
      this.#out.write(`\r${text}\x1b[K`);
      this.#open = done < total;
      if (!this.#open) this.#out.write('\n');
    } else if (done === total || done % 5 === 0) {
      this.#out.write(`${text}\n`);
    }
  }

  #closeBar(): void {
    if (this.#open) this.#out.write('\n');
    this.#open = false;
  }
}
