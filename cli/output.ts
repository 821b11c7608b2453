import { makeStyle, type Style } from './style.js';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Where commands write: human text or JSON to stdout, diagnostics to stderr. */
export class Output {
  constructor(
    readonly stdout: Stream,
    readonly stderr: Stream,
    readonly style: Style = makeStyle(false),
    /** `--json`: stdout carries only JSON, for scripts. */
    readonly json = false,
    /** Width when the terminal does not say (a pseudo-terminal without a size): `$COLUMNS`, else 100. */
    private readonly fallbackColumns = 100,
  ) {}

  /** Whether stdout is a terminal (progress display, redrawn lines). */
  get tty(): boolean {
    return this.stdout.isTTY === true;
  }

  /** Terminal width for tables; unbounded when piped, so scripts get whole values. */
  get width(): number {
    if (!this.tty) return Infinity;
    return this.stdout.columns && this.stdout.columns > 20 ? this.stdout.columns : this.fallbackColumns;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  lines(texts: readonly string[]): void {
    for (const t of texts) this.line(t);
  }

  /** One JSON document, pretty-printed: stable keys in the API's own order. */
  value(v: unknown): void {
    this.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  }

  /** One JSON value per line (NDJSON), for streams such as `watch --json`. */
  event(v: unknown): void {
    this.stdout.write(`${JSON.stringify(v)}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }
}
