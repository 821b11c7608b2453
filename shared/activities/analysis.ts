import type { Activities } from '../contracts/activities.js';
import type { InputOf } from '../contracts/contract.js';
import type { BaselineMetric, MetricCheck } from '../contracts/plan.js';
import {
  DEFAULT_MIN_REQUESTS,
  judgeAlerts,
  judgeBaseline,
  judgeFailFast,
  judgeMetric,
  type CheckEvidence,
} from '../analysis/judge.js';
import { analysisEntries, decisionEntry, intervalDecision } from '../analysis/entries.js';
import type { Ports } from '../ports/index.js';
import { record } from './record.js';
import { processRedactor } from '../telemetry/registry.js';

type Input = InputOf<typeof Activities.analyse>;

/** Provider errors end up in reasons, custom status and Table rows: never with a secret in them. */
const message = (error: unknown): string =>
  processRedactor().text(error instanceof Error ? error.message : String(error));

/** A provider error is evidence of nothing: inconclusive, flagged so the error limit can count it. */
const providerError = (error: unknown) => ({
  verdict: 'inconclusive' as const,
  reason: `provider error: ${message(error)}`,
  error: true,
});

/** A caller that leaves `minRequests` out gets the default, never 0 (an empty window is not evidence). */
const minRequestsOf = (input: Input): number => input.minRequests ?? DEFAULT_MIN_REQUESTS;

type Requests = { requests: number | null } | { error: unknown };

/**
 * Requests the judged side served in each distinct window, from the router's `request-rate` built-in
 * (rate × window). No series means no traffic: 0 requests.
 */
async function requestCounts(ports: Ports, input: Input, windows: number[]): Promise<Map<number, Requests>> {
  const counts = new Map<number, Requests>();
  // One provider per service (`canary.provider`, stamped on every metric): its own request count.
  const provider = input.metrics.find((m) => m.provider)?.provider;
  // Likewise the cluster label: the traffic counted is the judged cluster's, as the metrics are.
  const clusterLabel = input.metrics.find((m) => m.clusterLabel)?.clusterLabel;
  await Promise.all(
    [...new Set(windows)].map(async (window) => {
      try {
        const sample = await ports.metrics.query({
          template: 'request-rate',
          templateKind: 'ref',
          variables: input.variables,
          metricVariables: input.side ? { side: input.side } : {},
          router: input.router,
          window,
          at: input.at,
          ...(provider && { provider }),
          ...(clusterLabel && { clusterLabel }),
        });
        const rate = sample.value === null || Number.isNaN(sample.value) ? 0 : sample.value;
        counts.set(window, { requests: Math.round(rate * (window / 1000) * 1000) / 1000 });
      } catch (error) {
        counts.set(window, { error });
      }
    }),
  );
  return counts;
}

async function metricChecks(
  ports: Ports,
  input: Input,
  metric: MetricCheck,
  traffic: Requests | undefined,
): Promise<CheckEvidence[]> {
  const fast = input.mode === 'fast';
  const minRequests = minRequestsOf(input);
  const base = { name: metric.name, evaluatedAt: input.at, window: metric.interval, minRequests };
  const shapes: Array<Pick<CheckEvidence, 'kind' | 'min' | 'max'>> = [
    ...(fast ? [] : [{ kind: 'metric' as const, min: metric.min, max: metric.max }]),
    ...(metric.failFast ? [{ kind: 'fail-fast' as const, ...metric.failFast }] : []),
  ];
  if (traffic && 'error' in traffic)
    return shapes.map((s) => ({
      ...base,
      ...s,
      query: metric.template,
      value: null,
      ...providerError(traffic.error),
    }));
  const requests = traffic?.requests;
  try {
    const sample = await ports.metrics.query({
      template: metric.template,
      templateKind: metric.templateKind,
      variables: input.variables,
      metricVariables: { ...metric.variables, ...(input.side ? { side: input.side } : {}) },
      router: input.router,
      window: metric.interval,
      at: input.at,
      ...(metric.provider && { provider: metric.provider }),
      ...(metric.clusterLabel && { clusterLabel: metric.clusterLabel }),
    });
    const t = { requests, minRequests };
    return shapes.map((s) => ({
      ...base,
      ...s,
      query: sample.query,
      value: sample.value,
      ...(requests !== undefined && { requests }),
      ...((s.kind === 'metric'
        ? judgeMetric(metric, sample.value, t)
        : judgeFailFast(metric, sample.value, t)) ?? { verdict: 'pass' }),
    }));
  } catch (error) {
    return shapes.map((s) => ({
      ...base,
      ...s,
      query: metric.template,
      value: null,
      ...providerError(error),
    }));
  }
}

async function baselineCheck(
  ports: Ports,
  input: Input,
  spec: BaselineMetric,
  metric: MetricCheck,
  stepMs: number,
): Promise<CheckEvidence> {
  const base = { name: `baseline:${spec.metric}`, kind: 'baseline' as const, evaluatedAt: input.at };
  const range = {
    start: new Date(Date.parse(input.at) - metric.interval).toISOString(),
    end: input.at,
    stepMs,
  };
  const side = (s: 'canary' | 'primary') =>
    ports.metrics.queryRange(
      {
        template: metric.template,
        templateKind: metric.templateKind,
        variables: input.variables,
        metricVariables: { ...metric.variables, side: s },
        router: input.router,
        window: metric.interval,
        ...(metric.provider && { provider: metric.provider }),
        ...(metric.clusterLabel && { clusterLabel: metric.clusterLabel }),
      },
      range,
    );
  try {
    const [canary, primary] = await Promise.all([side('canary'), side('primary')]);
    const samples = {
      canary: canary.samples.map((s) => s.value),
      baseline: primary.samples.map((s) => s.value),
    };
    const judged = judgeBaseline(spec, samples);
    return {
      ...base,
      query: `${canary.query}\n${primary.query}`,
      window: metric.interval,
      value: judged.stats.shift,
      samples,
      ...judged,
    };
  } catch (error) {
    return { ...base, query: metric.template, window: metric.interval, value: null, ...providerError(error) };
  }
}

async function alertsCheck(ports: Ports, input: Input): Promise<CheckEvidence[]> {
  if (!input.alerts) return [];
  const base = { name: 'alerts', kind: 'alerts' as const, evaluatedAt: input.at, window: 0 };
  try {
    const firing = await ports.metrics.firingAlerts(input.alerts.matchers, input.variables, input.at);
    const judged = judgeAlerts(firing.alerts);
    return [{ ...base, query: firing.query, value: firing.alerts.length, alerts: firing.alerts, ...judged }];
  } catch (error) {
    return [{ ...base, query: 'ALERTS', value: null, ...providerError(error) }];
  }
}

async function recordRound(
  ports: Ports,
  r: NonNullable<Input['record']>,
  found: CheckEvidence[],
  mode: 'interval' | 'fast',
): Promise<void> {
  const entries = analysisEntries(found, mode, r.weight);
  // An interval round's decision is written with its checks: one activity instead of two.
  if (r.decision)
    entries.push(
      decisionEntry(
        intervalDecision(r.decision.limits, r.decision.tally, found),
        r.weight,
        r.decision.limits,
      ),
    );
  // The orchestration reserved one seq per entry from the spec (`entryCount`); a mismatch is a bug.
  if (entries.length !== r.seqs.length)
    throw new Error(
      `analysis wrote ${entries.length} entries for ${r.seqs.length} reserved sequence numbers`,
    );
  const [first, ...rest] = entries.map((e, i) => ({ ...e, seq: r.seqs[i] as number, at: r.at }));
  if (!first) return;
  await record(ports, { deploymentId: r.deploymentId, service: r.service, entry: first, more: rest });
}

/**
 * One round of checks at the orchestration's time. `interval` mode judges every metric against its
 * threshold range (and hard bounds), the baseline comparisons and the alerts; `fast` mode only the hard
 * bounds and the alerts. Every check comes back as evidence; nothing here throws for bad values or an
 * unreachable provider, so the caller decides what an outage means.
 */
export async function analyse(ports: Ports, input: Input): Promise<CheckEvidence[]> {
  const fast = input.mode === 'fast';
  const metrics = fast ? input.metrics.filter((m) => m.failFast) : input.metrics;
  const counts =
    minRequestsOf(input) > 0
      ? await requestCounts(
          ports,
          input,
          metrics.map((m) => m.interval),
        )
      : new Map<number, Requests>();
  const baseline = fast ? [] : (input.baseline?.metrics ?? []);
  const byName = new Map(input.metrics.map((m) => [m.name, m]));
  const [checks, compared, alerts] = await Promise.all([
    Promise.all(metrics.map((m) => metricChecks(ports, input, m, counts.get(m.interval)))),
    Promise.all(
      baseline.flatMap((spec) => {
        const metric = byName.get(spec.metric);
        return metric ? [baselineCheck(ports, input, spec, metric, input.baseline?.step ?? 10_000)] : [];
      }),
    ),
    alertsCheck(ports, input),
  ]);
  const found = [...checks.flat(), ...compared, ...alerts];
  if (input.record) await recordRound(ports, input.record, found, input.mode ?? 'interval');
  return found;
}
