import type { Output } from './output.js';
import { truncate } from './table.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

/**
 * One redrawn status line under the lines already printed (terminals only). Lines printed while it runs
 * go above it, so the scrollback keeps the history and the bottom line always shows the present.
 */
export class Spinner {
  private frame = 0;
  private text = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly onInterrupt = (): void => {
    this.stop();
    process.exit(130);
  };

  constructor(
    private readonly out: Output,
    private readonly frameMs = 100,
  ) {}

  start(text: string): void {
    this.text = text;
    this.out.stdout.write('\x1b[?25l');
    this.timer = setInterval(() => this.draw(true), this.frameMs);
    this.timer.unref();
    // Ctrl-C must not leave the cursor hidden or a half-drawn line behind.
    process.once('SIGINT', this.onInterrupt);
    this.draw(false);
  }

  update(text: string): void {
    this.text = text;
    this.draw(false);
  }

  print(line: string): void {
    this.out.stdout.write(CLEAR_LINE);
    this.out.line(line);
    this.draw(false);
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    process.removeListener('SIGINT', this.onInterrupt);
    this.out.stdout.write(`${CLEAR_LINE}\x1b[?25h`);
  }

  private draw(advance: boolean): void {
    if (this.timer === undefined) return;
    if (advance) this.frame = (this.frame + 1) % FRAMES.length;
    const glyph = this.out.style.cyan(FRAMES[this.frame] as string);
    this.out.stdout.write(`${CLEAR_LINE}${glyph} ${truncate(this.text, this.out.width - 3)}`);
  }
}
