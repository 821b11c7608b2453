import type { FreezeWindow, TimeWindow, Weekday } from '../contracts/plan.js';

/**
 * Wall-clock calendars: daily windows on chosen weekdays in an IANA time zone, and freezes. Windows are
 * judged on the local clock (`02:00-06:00 Europe/Amsterdam` follows daylight saving), using only
 * `Intl.DateTimeFormat`, which behaves the same on Node 20 and 22.
 */

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Chained freeze windows followed when computing when a block lifts; a bound, not a calendar limit. */
const MAX_CHAIN = 64;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for IANA zone names (`UTC`, `Europe/Amsterdam`); offsets and abbreviations are refused. */
export function isTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Parses `HH:MM` (24-hour; `24:00` means end of day) into minutes after midnight. */
export function parseClock(value: string): number {
  const match = /^([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(value);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(minutes <= 1440))
    throw new RangeError(`invalid time of day "${value}" (expected HH:MM, 00:00-24:00)`);
  return minutes;
}

export interface LocalTime {
  /** The local date at midnight, written as if it were UTC (a "local key"). */
  date: number;
  /** Minutes after local midnight. */
  minutes: number;
  weekday: Weekday;
}

/** The wall-clock date, time and weekday of an instant in a zone. */
export function localTime(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const date = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1);
  const weekday = WEEKDAYS[(new Date(date).getUTCDay() + 6) % 7] as Weekday;
  return { date, minutes: (parts.hour ?? 0) * 60 + (parts.minute ?? 0), weekday };
}

function localKey(instant: number, timeZone: string): number {
  const local = localTime(instant, timeZone);
  return local.date + local.minutes * MINUTE;
}

function offsetAt(instant: number, timeZone: string): number {
  const minute = Math.floor(instant / MINUTE) * MINUTE;
  return localKey(minute, timeZone) - minute;
}

/**
 * The earliest instant at or after `notBefore` whose local clock reads `wanted` (a local key) or later.
 * Ambiguous times (the repeated hour when clocks go back) resolve to the first occurrence still ahead;
 * times that do not exist (clocks go forward) resolve to the moment the clock jumps past them.
 */
export function instantAtLocal(wanted: number, timeZone: string, notBefore: number): number {
  // Offsets a day either side catch both sides of a clock change near `wanted`.
  const offsets = new Set([wanted - DAY, wanted, wanted + DAY].map((t) => offsetAt(t, timeZone)));
  const candidates = [...offsets].map((offset) => wanted - offset).sort((a, b) => a - b);
  const exact = candidates.find((c) => c >= notBefore && localKey(c, timeZone) === wanted);
  if (exact !== undefined) return exact;
  // In a gap: local time is monotonic between the candidates, so bisect to the jump (minute precision).
  let lo = candidates[0] as number;
  let hi = candidates[candidates.length - 1] as number;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
    if (localKey(mid, timeZone) >= wanted) hi = mid;
    else lo = mid;
  }
  return Math.max(hi, notBefore);
}

const previousDay = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;

/**
 * Where `instant` falls in the window: undefined when outside, else the local key at which the
 * occurrence containing it ends. A window whose `to` is not after `from` crosses midnight and belongs to
 * the day it starts on (a Friday `22:00-02:00` window covers Saturday 01:00).
 */
function occurrenceEnd(window: TimeWindow, instant: number): number | undefined {
  const from = parseClock(window.from);
  const to = parseClock(window.to);
  const local = localTime(instant, window.timeZone);
  const onDay = (day: Weekday) => !window.days || window.days.length === 0 || window.days.includes(day);
  if (from < to) {
    const inside = onDay(local.weekday) && local.minutes >= from && local.minutes < to;
    return inside ? local.date + to * MINUTE : undefined;
  }
  if (onDay(local.weekday) && local.minutes >= from) return local.date + DAY + to * MINUTE;
  if (onDay(previousDay(local.weekday)) && local.minutes < to) return local.date + to * MINUTE;
  return undefined;
}

export function windowContains(window: TimeWindow, at: Date | string | number): boolean {
  return occurrenceEnd(window, toInstant(at)) !== undefined;
}

/** The instant the occurrence of `window` containing `at` ends, or undefined when `at` is outside it. */
export function windowEnd(window: TimeWindow, at: Date | string | number): Date | undefined {
  const instant = toInstant(at);
  const end = occurrenceEnd(window, instant);
  return end === undefined ? undefined : new Date(instantAtLocal(end, window.timeZone, instant));
}

function freezeEndAt(freeze: FreezeWindow, instant: number): number | undefined {
  if (freeze.kind === 'once') {
    const from = Date.parse(freeze.from);
    const to = Date.parse(freeze.to);
    return instant >= from && instant < to ? to : undefined;
  }
  return windowEnd(freeze, instant)?.getTime();
}

/** The first freeze (in calendar order) active at `at`. */
export function activeFreeze(
  freezes: readonly FreezeWindow[],
  at: Date | string | number,
): FreezeWindow | undefined {
  const instant = toInstant(at);
  return freezes.find((freeze) => freezeEndAt(freeze, instant) !== undefined);
}

/**
 * When no freeze blocks any more, following back-to-back and overlapping freezes (a weekend written as
 * a Friday-evening entry plus a Saturday-Sunday entry lifts on Monday, not on Saturday). Undefined when
 * nothing is frozen at `at`.
 */
export function freezeLiftsAt(
  freezes: readonly FreezeWindow[],
  at: Date | string | number,
): Date | undefined {
  let instant = toInstant(at);
  let blocked = false;
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    const ends = freezes
      .map((f) => freezeEndAt(f, instant))
      .filter((end): end is number => end !== undefined);
    if (ends.length === 0) break;
    blocked = true;
    instant = Math.max(...ends);
  }
  return blocked ? new Date(instant) : undefined;
}

export function toInstant(at: Date | string | number): number {
  const instant = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
  if (!Number.isFinite(instant)) throw new RangeError(`invalid time ${String(at)}`);
  return instant;
}
