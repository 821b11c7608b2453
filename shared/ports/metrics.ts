import type { MetricsProviderSpec, RouterSpec } from '../contracts/plan.js';

/** One value read from the metrics backend for a rendered query, with what is needed to judge it. */
export interface MetricSample {
  query: string;
  /** `null` when the query returned no series (no data); `NaN` for 0/0 (series exist, no traffic). */
  value: number | null;
  evaluatedAt: string;
  warnings?: string[];
}

export interface MetricsQuery {
  /** Built-in template name (e.g. `request-success-rate`) or a PromQL template. */
  template: string;
  /** Whether `template` is a built-in name (`ref`) or PromQL (`query`); absent: a known name is a ref. */
  templateKind?: 'ref' | 'query';
  /** `{{ namespace }}`, `{{ target }}` (primary deployment), `{{ canary }}`, `{{ service }}`. */
  variables: Record<string, string>;
  /** The metric's own `{{ variables.x }}` values (e.g. `quantile`, `side`). */
  metricVariables?: Record<string, string>;
  /** Where traffic is split: picks the built-in metric family and gives `{{ ingress }}` / `{{ route }}`. */
  router?: RouterSpec;
  /**
   * The label naming the cluster in a Prometheus several clusters feed: the built-in templates also
   * match `<clusterLabel>="{{ cluster }}"` (the service's `canary.provider.clusterLabel`). Absent: no
   * cluster matcher. Inline templates are the user's own and are left as written.
   */
  clusterLabel?: string;
  /** Window, in ms, substituted as `{{ interval }}`. */
  window: number;
  /** Evaluation time (ISO); orchestrations pass their own clock so runs can be re-judged. */
  at: string;
  /** Absent: Prometheus (PromQL templates); `app-insights`: KQL templates over the Logs query API. */
  provider?: MetricsProviderSpec;
}

export interface RangeQuery {
  /** ISO times; samples every `stepMs` from `start` to `end` inclusive. */
  start: string;
  end: string;
  stepMs: number;
}

export interface RangeSamples {
  query: string;
  /** No series: `[]`. */
  samples: Array<{ at: string; value: number }>;
}

export interface FiringAlerts {
  query: string;
  /** Label sets of the firing alerts that match. */
  alerts: Array<Record<string, string>>;
}

/** Prometheus (or Azure Monitor managed Prometheus). Throws on provider errors; "no data" is a value. */
export interface Metrics {
  query(q: MetricsQuery): Promise<MetricSample>;
  /** One series over a range (baseline statistics). */
  queryRange(q: Omit<MetricsQuery, 'at'>, range: RangeQuery): Promise<RangeSamples>;
  /** `ALERTS{alertstate="firing", <matchers>}` at `at`; matcher values may use the query variables. */
  firingAlerts(
    matchers: Record<string, string>,
    variables: Record<string, string>,
    at: string,
  ): Promise<FiringAlerts>;
}
