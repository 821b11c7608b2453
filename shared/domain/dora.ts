/**
 * DORA metrics over a period, from Gantry's own records (pure; the query is shared/app/dora.ts). Each
 * metric places a run in the period by the moment it is about (half-open `[since, until)`):
 * - deployment frequency and lead time: when the release served 100% of production traffic;
 * - change failure rate and time to restore: when the change reached production (entered the canary).
 * Percentiles: the median is the middle value (the mean of the two middle values for an even count);
 * p90 is nearest-rank, the ⌈0.9·n⌉-th smallest value, so it is always an observed lead time.
 */
import type { DeploymentRecord, TimelineEntry } from './deployment.js';
import { readRun, type RunFacts } from './dora-runs.js';

export interface DoraPeriod {
  /** ISO 8601 instants; `since` is included, `until` is not. */
  since: string;
  until: string;
}

export interface DoraIncident {
  deploymentId: string;
  service: string;
  failedAt: string;
  restoredAt: string;
  seconds: number;
}

export interface DoraMetrics {
  since: string;
  until: string;
  deployments: { count: number; perDay: number; perWeek: number };
  leadTime: {
    medianSeconds: number | null;
    p90Seconds: number | null;
    samples: number;
    /** Samples measured from the commit time (the rest from the push). */
    fromCommit: number;
  };
  changeFailureRate: { failed: number; total: number; rate: number | null };
  timeToRestore: { medianSeconds: number | null; incidents: DoraIncident[] };
}

/** A period that is empty or reversed; callers validate first, so this is a programming error. */
export class DoraPeriodError extends Error {
  readonly code = 'invalid-period';
  constructor(message: string) {
    super(message);
    this.name = 'DoraPeriodError';
  }
}

const DAY_MS = 86_400_000;

/** Rates are shown to four decimals; more is noise on a dashboard and breaks exact comparisons. */
const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

/** The middle of the sorted values (mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Nearest-rank percentile: the ⌈p/100 · n⌉-th smallest value; null when empty. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

function groupByDeployment(events: readonly TimelineEntry[]): Map<string, TimelineEntry[]> {
  const byId = new Map<string, TimelineEntry[]>();
  for (const e of events) {
    const list = byId.get(e.deploymentId);
    if (list) list.push(e);
    else byId.set(e.deploymentId, [e]);
  }
  for (const list of byId.values()) list.sort((a, b) => a.seq - b.seq);
  return byId;
}

function parsePeriod(period: DoraPeriod): { since: number; until: number } {
  const since = Date.parse(period.since);
  const until = Date.parse(period.until);
  if (Number.isNaN(since) || Number.isNaN(until) || since >= until)
    throw new DoraPeriodError(`The period ${period.since} .. ${period.until} is empty or invalid.`);
  return { since, until };
}

const seconds = (from: number, to: number): number => (to - from) / 1000;
const iso = (ms: number): string => new Date(ms).toISOString();

function releases(runs: readonly RunFacts[], days: number): Pick<DoraMetrics, 'deployments' | 'leadTime'> {
  const leads = runs.map((r) => seconds(r.changeAt, r.releasedAt as number));
  const perDay = runs.length / days;
  return {
    deployments: { count: runs.length, perDay: round4(perDay), perWeek: round4(perDay * 7) },
    leadTime: {
      medianSeconds: median(leads),
      p90Seconds: nearestRank(leads, 90),
      samples: leads.length,
      fromCommit: runs.filter((r) => r.changeFrom === 'commit').length,
    },
  };
}

function failures(runs: readonly RunFacts[]): Pick<DoraMetrics, 'changeFailureRate' | 'timeToRestore'> {
  const judged = runs.filter((r) => r.outcome === 'success' || r.outcome === 'failure');
  const failed = judged.filter((r) => r.outcome === 'failure').length;
  const incidents: DoraIncident[] = judged
    .flatMap((r) => (r.incident ? [{ run: r, ...r.incident }] : []))
    .sort((a, b) => a.failedAt - b.failedAt || (a.run.deploymentId < b.run.deploymentId ? -1 : 1))
    .map(({ run, failedAt, restoredAt }) => ({
      deploymentId: run.deploymentId,
      service: run.service,
      failedAt: iso(failedAt),
      restoredAt: iso(restoredAt),
      seconds: seconds(failedAt, restoredAt),
    }));
  return {
    changeFailureRate: {
      failed,
      total: judged.length,
      rate: judged.length === 0 ? null : round4(failed / judged.length),
    },
    timeToRestore: { medianSeconds: median(incidents.map((i) => i.seconds)), incidents },
  };
}

/**
 * DORA metrics of the runs in `records` over `period`. `events` are timeline entries of any of those
 * deployments, in any order; a deployment without entries counts as never having reached production.
 */
export function computeDora(
  records: readonly DeploymentRecord[],
  events: readonly TimelineEntry[],
  period: DoraPeriod,
): DoraMetrics {
  const { since, until } = parsePeriod(period);
  const within = (ms: number | undefined): boolean => ms !== undefined && ms >= since && ms < until;
  const timelines = groupByDeployment(events);
  const runs = records.map((r) => readRun(r, timelines.get(r.id) ?? []));
  return {
    since: iso(since),
    until: iso(until),
    ...releases(
      runs.filter((r) => within(r.releasedAt)),
      (until - since) / DAY_MS,
    ),
    ...failures(runs.filter((r) => within(r.productionAt))),
  };
}
