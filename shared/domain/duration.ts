/**
 * Durations in configuration are short strings (`30s`, `5m`, `1h30m`, `2d`) because they are what
 * people write in Flagger/Argo specs; inside Gantry they are plain milliseconds.
 */

export class DurationError extends Error {
  readonly code = 'duration-invalid';
  constructor(
    message: string,
    readonly input: unknown,
  ) {
    super(message);
    this.name = 'DurationError';
  }
}

/** Units from largest to smallest; a duration lists each unit at most once, in this order. */
const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

const UNIT_MS = new Map<string, number>(UNITS);
const UNIT_RANK = new Map<string, number>(UNITS.map(([unit], index) => [unit, index]));

/** One `<integer><unit>` group; `ms` is listed before `m` so it wins. */
const PART = /(\d+)(ms|d|h|m|s)/y;

const EXAMPLES = 'e.g. "30s", "5m", "1h30m", "2d"';

/**
 * Parses `"1h30m"` into milliseconds. Only non-negative integers with a unit, largest unit first, each
 * unit once: `"90m"` is fine, `"1.5h"`, `"5"`, `"5 m"`, `"-1s"` and `"1m1h"` are rejected so that a
 * typo never silently becomes a different length of time.
 */
export function parseDuration(input: string): number {
  if (typeof input !== 'string') {
    throw new DurationError(`expected a duration string (${EXAMPLES}), got ${typeof input}`, input);
  }
  if (input.length === 0 || input.length > 64) {
    throw new DurationError(`invalid duration "${input.slice(0, 64)}": ${EXAMPLES}`, input);
  }
  if (/^\d+$/.test(input)) {
    throw new DurationError(`duration "${input}" has no unit: ${EXAMPLES}`, input);
  }
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (!match) {
      const where = start > 0 ? ` at "${input.slice(start)}"` : '';
      throw new DurationError(`invalid duration "${input}"${where}: ${EXAMPLES}`, input);
    }
    const unit = match[2] as string;
    const rank = UNIT_RANK.get(unit) as number;
    if (rank <= lastRank) {
      throw new DurationError(
        `invalid duration "${input}": units must go from largest to smallest, once each`,
        input,
      );
    }
    lastRank = rank;
    total += Number(match[1]) * (UNIT_MS.get(unit) as number);
  }
  if (!Number.isSafeInteger(total)) {
    throw new DurationError(`duration "${input}" is too long`, input);
  }
  return total;
}

/** Formats milliseconds as the shortest string `parseDuration` reads back to the same value. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new DurationError(`cannot format ${ms} as a duration (non-negative integer milliseconds)`, ms);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
