import type { TimeWindow } from '../contracts/plan.js';
import { decideApproval, type ApprovalQuestion } from './approval-policy.js';
import { instantAtLocal, localTime, parseClock, toInstant, windowContains } from './calendar.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The openings of `window` strictly after `after` and no later than `until`, earliest first. An opening
 * in a skipped hour (clocks go forward) happens when the clock jumps past it.
 */
export function windowOpenings(window: TimeWindow, after: number, until: number): number[] {
  const from = parseClock(window.from) * MINUTE;
  const onDay = (day: string) =>
    !window.days || window.days.length === 0 || window.days.some((d) => d === day);
  const openings: number[] = [];
  const first = localTime(after, window.timeZone).date;
  const last = localTime(until, window.timeZone).date;
  for (let date = first; date <= last; date += DAY) {
    if (!onDay(localTime(date, 'UTC').weekday)) continue;
    const at = instantAtLocal(date + from, window.timeZone, after - DAY);
    if (at > after && at <= until) openings.push(at);
  }
  return openings;
}

/**
 * When a request that needs a human would next be approved automatically: the earliest instant after
 * `at` and no later than `until` at which `decideApproval` answers `auto` (an auto-approve window opens,
 * or a freeze lifts while a window is open). Undefined when that does not happen in time. Pure: the
 * orchestration sets a durable timer at the answer and asks the policy again when it fires.
 */
export function nextAutoApproval(question: ApprovalQuestion & { until: Date | string }): Date | undefined {
  const at = toInstant(question.at);
  const until = toInstant(question.until);
  const auto = (t: number) => decideApproval({ ...question, at: new Date(t) }).kind === 'auto';
  let best: number | undefined;
  for (const window of question.policy.autoApprove) {
    for (const opening of windowOpenings(window, at, until)) {
      if (best !== undefined && opening >= best) break;
      const found = auto(opening) ? opening : afterFreezes(question, opening, window, until);
      if (found !== undefined && (best === undefined || found < best)) best = found;
    }
  }
  return best === undefined ? undefined : new Date(best);
}

/** A window that opens during a freeze approves when the freeze lifts, if the window is still open. */
function afterFreezes(
  question: ApprovalQuestion,
  opening: number,
  window: TimeWindow,
  until: number,
): number | undefined {
  const outcome = decideApproval({ ...question, at: new Date(opening) });
  if (outcome.kind !== 'blocked') return undefined;
  const lifts = Date.parse(outcome.until);
  if (lifts > until || !windowContains(window, lifts)) return undefined;
  return decideApproval({ ...question, at: new Date(lifts) }).kind === 'auto' ? lifts : undefined;
}
