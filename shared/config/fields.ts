import { z } from 'zod';
import type { FreezeWindow } from '../contracts/plan.js';
import { isTimeZone, parseClock } from '../domain/calendar.js';
import { parseDuration } from '../domain/duration.js';
import * as names from '../domain/names.js';

/**
 * Building blocks of the configuration schema: name grammars, durations, and the calendar parts
 * (time windows, approval policy, freezes). Each check's message says what was expected, because it
 * is shown next to the file's line.
 */

export type Ctx = z.RefinementCtx;

/** Missing values say "required"; wrong ones say what was expected. */
export const expected = (what: string) => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? 'required' : `expected ${what}`,
});

export const grammar = (check: (value: string) => boolean, what: string) =>
  z.string(expected(what)).refine(check, { message: `must be ${what}` });

export const label = grammar((v) => names.isPlainLabel(v), 'a non-empty printable name');
export const duration = z
  .string(expected('a duration such as "30s", "5m", "1h30m", "2d"'))
  .transform((text, ctx) => {
    try {
      return parseDuration(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
export const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be longer than 0s' });
export const int = (min: number, max: number) => z.number(expected('an integer')).int().min(min).max(max);
export const weight = int(1, 100);
export const githubRepository = grammar(names.isGitHubRepository, 'a GitHub repository "owner/name"');
export const argoApplication = grammar(
  names.isDnsSubdomain,
  'an Argo CD Application name (lowercase DNS subdomain)',
);
export const k8sName = grammar(names.isDnsSubdomain, 'a Kubernetes name (lowercase DNS subdomain)');
export const serviceName = grammar(
  names.isDns1035Label,
  'a Kubernetes Service name (lowercase DNS-1035 label)',
);
/** A real calendar date: `Date.UTC` rolls 2026-02-30 over to March, which the round trip catches. */
function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}
export const isoDate = grammar(isCalendarDate, 'a date YYYY-MM-DD');
export const isoDateTime = grammar(
  (v) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(v) &&
    isCalendarDate(v.slice(0, 10)) &&
    !isNaN(Date.parse(v)),
  'an ISO date-time with an offset, e.g. 2026-12-24T00:00:00+01:00',
);
const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const clock = grammar((v) => CLOCK.test(v), 'a time of day HH:MM (00:00-24:00)');
export const timeZone = grammar(isTimeZone, 'an IANA time zone such as UTC or Europe/Amsterdam');
export const weekdays = z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1);
export const regex = grammar((v) => {
  try {
    return v.length <= 256 && new RegExp(v) instanceof RegExp;
  } catch {
    return false;
  }
}, 'a valid regular expression (at most 256 characters)');

export function uniqueNames(items: readonly { name: string }[], ctx: Ctx, key: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.name)) {
      ctx.addIssue({ code: 'custom', path: [key, index, 'name'], message: `duplicate name "${item.name}"` });
    }
    seen.add(item.name);
  });
}

export const timeWindow = z
  .strictObject({ days: weekdays.optional(), from: clock, to: clock, timeZone })
  .superRefine((v, ctx) => {
    // Refinements run even when a field failed its own check, so compare only well-formed clocks.
    if (!CLOCK.test(v.from) || !CLOCK.test(v.to)) return;
    if (v.from === '24:00') {
      ctx.addIssue({ code: 'custom', path: ['from'], message: '24:00 is only valid as "to"' });
    } else if (parseClock(v.from) === parseClock(v.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'from and to are equal: the window would be empty',
      });
    }
  });

export const approval = z
  .strictObject({
    autoApprove: z.array(timeWindow).default([]),
    reviewers: z.array(label).min(1),
    minApprovers: int(1, 100).default(1),
    forbidSelfApproval: z.boolean().default(true),
    waitTimer: duration.default(0),
    expiry: positiveDuration.default(parseDuration('24h')),
  })
  .superRefine((v, ctx) => {
    if (v.expiry <= v.waitTimer) {
      ctx.addIssue({ code: 'custom', path: ['expiry'], message: 'must be longer than waitTimer' });
    }
  });

/** One-off (`from`/`to` date-times with offsets) or weekly (`days`, `from`/`to` clock times, `timeZone`). */
export const freeze = z
  .strictObject({
    name: label,
    reason: label,
    from: z.string(),
    to: z.string(),
    days: weekdays.optional(),
    timeZone: timeZone.optional(),
  })
  .transform((v, ctx): FreezeWindow => {
    if (v.timeZone === undefined && v.days === undefined) {
      const check = isoDateTime.safeParse(v.from).success && isoDateTime.safeParse(v.to).success;
      if (!check)
        ctx.addIssue({
          code: 'custom',
          message: 'one-off freezes need from/to as ISO date-times with offsets',
        });
      else if (Date.parse(v.to) <= Date.parse(v.from))
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      return { kind: 'once', name: v.name, reason: v.reason, from: v.from, to: v.to };
    }
    const window = timeWindow.safeParse({ days: v.days, from: v.from, to: v.to, timeZone: v.timeZone });
    window.error?.issues.forEach((issue) =>
      ctx.addIssue({ ...issue, code: 'custom', message: issue.message }),
    );
    return {
      kind: 'weekly',
      name: v.name,
      reason: v.reason,
      ...(v.days && { days: v.days }),
      from: v.from,
      to: v.to,
      timeZone: v.timeZone ?? '',
    } as FreezeWindow;
  });
