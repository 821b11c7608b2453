import type { CanarySpec, ExhaustedPolicy } from '../contracts/plan.js';
import { DEFAULT_MIN_REQUESTS, type CheckEvidence } from './judge.js';

/**
 * How one analysis interval's checks move the canary. Flagger counts failed intervals cumulatively and
 * treats "no data" and provider errors as failures, so an outage can roll back a good release; Argo
 * Rollouts separates inconclusive results and errors but only pauses. Here:
 * - a fail-fast breach or a firing alert rolls back at once;
 * - a failed interval counts towards `threshold` (cumulative, at most one per interval) and holds the weight;
 * - an inconclusive interval counts towards `inconclusiveLimit` and holds the weight;
 * - an interval with a provider error counts towards `consecutiveErrorLimit` (reset by any interval
 *   without one) and holds the weight;
 * - only a passing interval moves the step forward.
 * Exhausting either of the last two limits pauses for an operator or fails, as the spec says; missing
 * evidence alone never promotes and never rolls back unless the spec asks for it.
 */

export interface Limits {
  threshold: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  onLimitExhausted: ExhaustedPolicy;
  minRequests: number;
}

export const DEFAULT_LIMITS = {
  inconclusiveLimit: 3,
  consecutiveErrorLimit: 4,
  onLimitExhausted: 'pause',
  minRequests: DEFAULT_MIN_REQUESTS,
} as const satisfies Omit<Limits, 'threshold'>;

export function limitsOf(spec: CanarySpec): Limits {
  return {
    threshold: spec.threshold,
    inconclusiveLimit: spec.inconclusiveLimit ?? DEFAULT_LIMITS.inconclusiveLimit,
    consecutiveErrorLimit: spec.consecutiveErrorLimit ?? DEFAULT_LIMITS.consecutiveErrorLimit,
    onLimitExhausted: spec.onLimitExhausted ?? DEFAULT_LIMITS.onLimitExhausted,
    minRequests: spec.minRequests ?? DEFAULT_LIMITS.minRequests,
  };
}

export interface Tally {
  failed: number;
  inconclusive: number;
  consecutiveErrors: number;
  passed: number;
}

export const EMPTY_TALLY: Tally = { failed: 0, inconclusive: 0, consecutiveErrors: 0, passed: 0 };

export type IntervalOutcome = 'pass' | 'fail' | 'inconclusive' | 'error' | 'abort';

/** The worst thing in one interval's checks, with the reason of the first check that shows it. */
export function classifyInterval(checks: readonly CheckEvidence[]): {
  outcome: IntervalOutcome;
  reason: string;
} {
  const first = (p: (c: CheckEvidence) => boolean) => checks.find(p);
  const describe = (c: CheckEvidence) => `${c.name}: ${c.reason ?? c.verdict}`;
  const abort = first((c) => c.verdict === 'fail' && (c.kind === 'fail-fast' || c.kind === 'alerts'));
  if (abort) return { outcome: 'abort', reason: describe(abort) };
  const fail = first((c) => c.verdict === 'fail');
  if (fail) return { outcome: 'fail', reason: describe(fail) };
  const error = first((c) => c.error === true);
  if (error) return { outcome: 'error', reason: describe(error) };
  const unsure = first((c) => c.verdict === 'inconclusive');
  if (unsure) return { outcome: 'inconclusive', reason: describe(unsure) };
  return { outcome: 'pass', reason: checks.length ? 'all checks passed' : 'nothing to check' };
}

export type Decision =
  | { action: 'advance'; tally: Tally }
  | { action: 'hold'; tally: Tally; reason: string }
  | { action: 'rollback'; tally: Tally; reason: string }
  | { action: 'pause'; tally: Tally; reason: string; cause: PauseCause };

/** Why a canary pauses: an exhausted limit, or the cluster not matching what Gantry set (drift). */
export type PauseCause = 'provider-errors' | 'inconclusive' | 'drift';

/** The next move after one interval. */
export function decide(
  limits: Limits,
  tally: Tally,
  interval: { outcome: IntervalOutcome; reason: string },
): Decision {
  const { outcome, reason } = interval;
  const exhausted = (t: Tally, why: string, cause: 'provider-errors' | 'inconclusive'): Decision =>
    limits.onLimitExhausted === 'fail'
      ? { action: 'rollback', tally: t, reason: `${why} (onLimitExhausted: fail)` }
      : { action: 'pause', tally: t, reason: why, cause };
  switch (outcome) {
    case 'abort':
      return {
        action: 'rollback',
        tally: { ...tally, consecutiveErrors: 0 },
        reason: `fail-fast: ${reason}`,
      };
    case 'fail': {
      const t = { ...tally, failed: tally.failed + 1, consecutiveErrors: 0 };
      if (t.failed >= limits.threshold)
        return {
          action: 'rollback',
          tally: t,
          reason: `${t.failed} failed checks reached the threshold of ${limits.threshold} (last: ${reason})`,
        };
      return { action: 'hold', tally: t, reason };
    }
    case 'error': {
      const t = { ...tally, consecutiveErrors: tally.consecutiveErrors + 1 };
      if (t.consecutiveErrors > limits.consecutiveErrorLimit)
        return exhausted(
          t,
          `${t.consecutiveErrors} intervals in a row with provider errors exceed consecutiveErrorLimit ` +
            `${limits.consecutiveErrorLimit} (last: ${reason})`,
          'provider-errors',
        );
      return { action: 'hold', tally: t, reason };
    }
    case 'inconclusive': {
      const t = { ...tally, inconclusive: tally.inconclusive + 1, consecutiveErrors: 0 };
      if (t.inconclusive > limits.inconclusiveLimit)
        return exhausted(
          t,
          `${t.inconclusive} inconclusive intervals exceed inconclusiveLimit ${limits.inconclusiveLimit} ` +
            `(last: ${reason})`,
          'inconclusive',
        );
      return { action: 'hold', tally: t, reason };
    }
    default:
      return { action: 'advance', tally: { ...tally, passed: tally.passed + 1, consecutiveErrors: 0 } };
  }
}

/** After an operator resumes a paused canary, the exhausted counters start again. */
export const afterResume = (tally: Tally): Tally => ({ ...tally, inconclusive: 0, consecutiveErrors: 0 });

/** Checks needed at one step: its duration in intervals, at least one (Flagger: one tick per step). */
export const checksForStep = (duration: number, interval: number): number =>
  Math.max(1, Math.round(duration / interval));
