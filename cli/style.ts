/** ANSI styling, switched off as a whole when output is not a terminal or NO_COLOR is set. */
export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

const wrap =
  (enabled: boolean, open: number, close: number) =>
  (s: string): string =>
    enabled && s !== '' ? `\x1b[${open}m${s}\x1b[${close}m` : s;

export function makeStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
    magenta: wrap(enabled, 35, 39),
  };
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off; so does a dumb terminal or --no-color. */
export function colourWanted(
  isTTY: boolean,
  env: Record<string, string | undefined>,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag || (env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb') return false;
  return isTTY;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** Columns a string takes on screen: escapes take none; code points count one each. */
export const visibleWidth = (s: string): number => [...stripAnsi(s)].length;

/** The colour of a deployment state: green done, red failed, yellow waiting on a human, cyan moving. */
export function stateStyle(style: Style, state: string): string {
  switch (state) {
    case 'Succeeded':
      return style.green(state);
    case 'Failed':
    case 'RolledBack':
      return style.red(state);
    case 'Cancelled':
    case 'Superseded':
      return style.dim(state);
    case 'AwaitingApproval':
      return style.yellow(state);
    default:
      return style.cyan(state);
  }
}

export function verdictStyle(style: Style, verdict: string | undefined): string {
  if (verdict === undefined) return '';
  if (verdict === 'pass') return style.green(verdict);
  if (verdict === 'fail') return style.red(verdict);
  return style.yellow(verdict);
}
