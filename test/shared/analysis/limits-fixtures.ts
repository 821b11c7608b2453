import type { CheckEvidence, CheckKind, Verdict } from '../../../shared/analysis/judge.js';
import {
  EMPTY_TALLY,
  type IntervalOutcome,
  type Limits,
  type Tally,
} from '../../../shared/analysis/limits.js';

/** Check evidence and limits for the table-driven tests of `limits.ts`. */

export function check(name: string, kind: CheckKind, verdict: Verdict, extra: Partial<CheckEvidence> = {}) {
  return {
    name,
    kind,
    verdict,
    query: 'q',
    evaluatedAt: '2026-01-05T10:00:00.000Z',
    window: 60_000,
    value: null,
    ...extra,
  } satisfies CheckEvidence;
}

export const pass = (name = 'success') => check(name, 'metric', 'pass');
export const fail = (name = 'success', reason = '97 < min 99') => check(name, 'metric', 'fail', { reason });
export const unsure = (name = 'success', reason = 'no data') =>
  check(name, 'metric', 'inconclusive', { reason });
export const providerError = (name = 'success') =>
  check(name, 'metric', 'inconclusive', { reason: 'provider error: ECONNREFUSED', error: true });

export const LIMITS: Limits = {
  threshold: 3,
  inconclusiveLimit: 2,
  consecutiveErrorLimit: 2,
  onLimitExhausted: 'pause',
  minRequests: 1,
};
export const tally = (t: Partial<Tally> = {}): Tally => ({ ...EMPTY_TALLY, ...t });
export const interval = (outcome: IntervalOutcome, reason = 'why') => ({ outcome, reason });
