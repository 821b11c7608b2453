import type { BaselineMetric, MetricCheck } from '../contracts/plan.js';
import { compareToBaseline } from './statistics.js';

/**
 * Per-check verdicts. A check is `pass`, `fail`, or `inconclusive` with a reason; nothing here ever turns
 * missing evidence (no data, too little traffic, a provider error) into a pass or a failure.
 */

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** `metric`: judged at each interval against `thresholdRange`; `fail-fast`: against hard bounds. */
export type CheckKind = 'metric' | 'fail-fast' | 'alerts' | 'baseline';

export interface Judgement {
  verdict: Verdict;
  reason?: string;
}

export interface Bounds {
  min?: number;
  max?: number;
}

/** Evidence of one check, as recorded in the timeline and re-judged later. */
export interface CheckEvidence extends Judgement {
  name: string;
  kind: CheckKind;
  /** The metrics provider failed: counts towards `consecutiveErrorLimit`, never as a failure. */
  error?: boolean;
  /** The rendered query (PromQL) or queries, joined by a newline for a baseline pair. */
  query: string;
  evaluatedAt: string;
  /** Query window, ms. */
  window: number;
  value: number | null;
  min?: number;
  max?: number;
  /** Requests the judged side served in the window (`null`: unknown). */
  requests?: number | null;
  minRequests?: number;
  /** Baseline comparison inputs and statistics. */
  samples?: { canary: number[]; baseline: number[] };
  stats?: { u: number | null; pValue: number | null; shift: number | null } & Omit<BaselineMetric, 'metric'>;
  /** Firing alerts' labels. */
  alerts?: Array<Record<string, string>>;
}

/**
 * Requests a judged side must have served in a metric's window when the spec does not say: one, so an
 * empty window is never judged. The one default of `minRequests` (canary, verification, activity).
 */
export const DEFAULT_MIN_REQUESTS = 1;

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

/** Traffic sufficiency: fewer requests than `minRequests` in the window makes any judgement premature. */
export function trafficShortfall(
  requests: number | null | undefined,
  minRequests: number,
): string | undefined {
  if (minRequests <= 0 || requests === undefined) return undefined;
  if (requests === null) return 'request count unknown';
  if (requests < minRequests)
    return `too few requests in the window (${fmt(requests)} < minRequests ${minRequests})`;
  return undefined;
}

/** Judges one value against bounds, after the traffic check. */
export function judgeValue(
  bounds: Bounds,
  value: number | null,
  traffic: { requests?: number | null; minRequests: number } = { minRequests: DEFAULT_MIN_REQUESTS },
): Judgement {
  const short = trafficShortfall(traffic.requests, traffic.minRequests);
  if (short) return { verdict: 'inconclusive', reason: short };
  if (value === null) return { verdict: 'inconclusive', reason: 'no data' };
  if (Number.isNaN(value)) return { verdict: 'inconclusive', reason: 'no traffic (0/0)' };
  if (bounds.min !== undefined && value < bounds.min)
    return { verdict: 'fail', reason: `${fmt(value)} < min ${bounds.min}` };
  if (bounds.max !== undefined && value > bounds.max)
    return { verdict: 'fail', reason: `${fmt(value)} > max ${bounds.max}` };
  return { verdict: 'pass' };
}

/** A metric's interval check (`thresholdRange`). */
export function judgeMetric(
  metric: MetricCheck,
  value: number | null,
  traffic: { requests?: number | null; minRequests: number },
): Judgement {
  return judgeValue({ min: metric.min, max: metric.max }, value, traffic);
}

/** A metric's hard bounds; `undefined` when it has none. */
export function judgeFailFast(
  metric: MetricCheck,
  value: number | null,
  traffic: { requests?: number | null; minRequests: number },
): Judgement | undefined {
  if (!metric.failFast) return undefined;
  const j = judgeValue(metric.failFast, value, traffic);
  return j.verdict === 'fail' ? { verdict: 'fail', reason: `hard bound breached: ${j.reason}` } : j;
}

/** Any firing alert that matches aborts. */
export function judgeAlerts(alerts: ReadonlyArray<Record<string, string>>): Judgement {
  if (alerts.length === 0) return { verdict: 'pass' };
  const names = [...new Set(alerts.map((a) => a.alertname ?? '(unnamed)'))].sort();
  return { verdict: 'fail', reason: `firing alert(s): ${names.join(', ')}` };
}

/** Canary vs primary over the same window (see `compareToBaseline` for the zero/constant rules). */
export function judgeBaseline(
  spec: BaselineMetric,
  samples: { canary: readonly number[]; baseline: readonly number[] },
): Judgement & { stats: NonNullable<CheckEvidence['stats']> } {
  const c = compareToBaseline(samples.canary, samples.baseline, {
    tolerance: spec.tolerance,
    ...(spec.scale && { scale: spec.scale }),
    alpha: spec.alpha,
    direction: spec.direction,
  });
  const { metric: _metric, ...params } = spec;
  return {
    verdict: c.verdict,
    reason: c.reason,
    stats: { u: c.u, pValue: c.pValue, shift: c.shift, ...params },
  };
}
