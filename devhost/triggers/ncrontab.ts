/*
 * NCRONTAB, the schedule format of the Functions timer trigger: `{second} {minute} {hour} {day}
 * {month} {day-of-week}` (five fields = minute resolution, seconds fixed at 0). Fields take `*`,
 * numbers, names (`Jan`, `Mon`), ranges, lists and steps (`*\/5`, `1-30/10`, `5/15`). As in NCrontab,
 * day-of-month and day-of-week must both match. Times are UTC (the Functions default when
 * WEBSITE_TIME_ZONE is unset).
 */

export interface Schedule {
  readonly expression: string;
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of names[0]; months are 1-based. */
  nameBase?: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 7 is accepted as Sunday, like most cron dialects.
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, nameBase: 0 },
];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The calendar (with weekdays) repeats every 28 years within a century; search a little longer. */
const MAX_DAYS_SEARCHED = 366 * 29;
const DAY_MS = 86_400_000;

export function parseCronExpression(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new Error(
      `Invalid NCRONTAB expression "${expression}": expected 6 fields (or 5), got ${parts.length}.`,
    );
  }
  const fields = parts.length === 5 ? ['0', ...parts] : parts;
  const sets = FIELDS.map((spec, i) => parseField(fields[i] as string, spec, expression));
  const [seconds, minutes, hours, days, months, weekdays] = sets.map((s) => [...s].sort((a, b) => a - b)) as [
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  if (weekdays.includes(7) && !weekdays.includes(0)) weekdays.unshift(0);
  if (!months.some((m) => days.some((d) => d <= (DAYS_IN_MONTH[m - 1] as number)))) {
    throw new Error(`NCRONTAB expression "${expression}" never occurs (no such day in those months).`);
  }
  const daySet = new Set(days);
  const monthSet = new Set(months);
  const weekdaySet = new Set(weekdays);
  return {
    expression,
    next(after: Date): Date {
      const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
      let dayStart = Math.floor(start / DAY_MS) * DAY_MS;
      for (let i = 0; i < MAX_DAYS_SEARCHED; i++, dayStart += DAY_MS) {
        const d = new Date(dayStart);
        if (
          !monthSet.has(d.getUTCMonth() + 1) ||
          !daySet.has(d.getUTCDate()) ||
          !weekdaySet.has(d.getUTCDay())
        ) {
          continue;
        }
        const from = i === 0 ? (start - dayStart) / 1000 : 0;
        const second = nextSecondOfDay(from, hours, minutes, seconds);
        if (second !== undefined) return new Date(dayStart + second * 1000);
      }
      throw new Error(`NCRONTAB expression "${expression}" has no occurrence after ${after.toISOString()}.`);
    },
  };
}

/** Accepts NCRONTAB or a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`), the two formats the timer trigger takes. */
export function parseTimerSchedule(expression: string): Schedule {
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(expression.trim());
  if (!span) return parseCronExpression(expression);
  const [, d = '0', h = '0', m = '0', s = '0'] = span;
  const ms = (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  if (ms <= 0) throw new Error(`Invalid timer interval "${expression}": it must be positive.`);
  return { expression, next: (after) => new Date(after.getTime() + ms) };
}

/** Earliest second of the day >= `from` whose hour, minute and second are all in the sets. */
function nextSecondOfDay(
  from: number,
  hours: number[],
  minutes: number[],
  seconds: number[],
): number | undefined {
  const h0 = Math.floor(from / 3600);
  const m0 = Math.floor((from % 3600) / 60);
  const s0 = from % 60;
  for (const h of hours) {
    if (h < h0) continue;
    for (const m of minutes) {
      if (h === h0 && m < m0) continue;
      for (const s of seconds) {
        if (h === h0 && m === m0 && s < s0) continue;
        return h * 3600 + m * 60 + s;
      }
    }
  }
  return undefined;
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const fail = (why: string): never => {
    throw new Error(`Invalid NCRONTAB expression "${expression}": ${spec.name} field "${text}" ${why}.`);
  };
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item);
    if (!m) fail('is malformed');
    const [, range = '', stepText] = m as RegExpExecArray;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) fail('has a zero step');
    let lo = spec.min;
    let hi = spec.max === 7 ? 6 : spec.max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      lo = value(a, spec, fail);
      // `a/step` runs from a to the end of the field, like NCrontab
      hi = b !== undefined ? value(b, spec, fail) : stepText !== undefined ? hi : lo;
    }
    if (lo > hi) fail('has a range that ends before it starts');
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

function value(text: string, spec: FieldSpec, fail: (why: string) => never): number {
  const index = spec.names?.indexOf(text.toLowerCase() as never) ?? -1;
  const n = index >= 0 ? index + (spec.nameBase ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n)) fail(`has an unknown value "${text}"`);
  if (n < spec.min || n > spec.max) fail(`is out of range ${spec.min}-${spec.max}`);
  return n;
}
