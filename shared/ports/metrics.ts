import type { RouterSpec } from '../contracts/plan.js';

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
  /** Window, in ms, substituted as `{{ interval }}`. */
  window: number;
  /** Evaluation time (ISO); orchestrations pass their own clock so runs can be re-judged. */
  at: string;
}

/** Prometheus (or Azure Monitor managed Prometheus). Throws on provider errors; "no data" is a value. */
export interface Metrics {
  query(q: MetricsQuery): Promise<MetricSample>;
}
