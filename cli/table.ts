import { visibleWidth } from './style.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The column that gives up width (with an ellipsis) when the table is wider than the terminal. */
  flex?: boolean;
}

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/y;

/**
 * Cuts a possibly styled string to `width` visible columns, ending in `…`. Escapes are kept (they take
 * no room) and a reset closes the cut, so a shortened coloured line keeps its colours.
 */
export function truncate(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let shown = 0;
  let styled = false;
  for (let i = 0; i < s.length;) {
    ESCAPE.lastIndex = i;
    const escape = ESCAPE.exec(s);
    if (escape) {
      out += escape[0];
      styled = true;
      i += escape[0].length;
      continue;
    }
    if (shown === width - 1) break;
    const ch = String.fromCodePoint(s.codePointAt(i) as number);
    out += ch;
    shown++;
    i += ch.length;
  }
  return `${out}…${styled ? '\x1b[0m' : ''}`;
}

const pad = (s: string, width: number, align: Column['align']): string => {
  const gap = ' '.repeat(Math.max(0, width - visibleWidth(s)));
  return align === 'right' ? gap + s : s + gap;
};

/**
 * Lines of a plain-text table: a header, then one line per row, columns two spaces apart, no trailing
 * spaces. Cells may be styled (ANSI); widths count visible columns. Control characters from API data
 * are replaced, so a value cannot move the cursor or clear the screen.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly string[][],
  maxWidth = Infinity,
): string[] {
  const cells = rows.map((r) => columns.map((_, i) => sanitize(r[i] ?? '')));
  const widths = columns.map((c, i) =>
    Math.max(visibleWidth(c.header), ...cells.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
  const flex = columns.findIndex((c) => c.flex);
  if (total > maxWidth && flex !== -1) {
    const others = total - (widths[flex] ?? 0);
    widths[flex] = Math.max(visibleWidth(columns[flex]?.header ?? ''), maxWidth - others, 8);
  }
  const line = (r: string[]): string =>
    columns
      .map((c, i) =>
        pad(
          truncate(r[i] ?? '', widths[i] ?? 0),
          i === columns.length - 1 && c.align !== 'right' ? 0 : (widths[i] ?? 0),
          c.align,
        ),
      )
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]|\x1b(?!\[[0-9;]*m)/g;

/** Keeps colour escapes the CLI added, turns any other control character into '?'. */
export function sanitize(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '?');
}

/** `key  value` lines with the keys aligned. */
export function formatPairs(pairs: ReadonlyArray<[string, string | undefined]>): string[] {
  const shown = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${sanitize(v)}`);
}
