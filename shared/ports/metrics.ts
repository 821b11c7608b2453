/** One value read from the metrics backend for a rendered query, with what is needed to judge it. */
export interface MetricSample {
  query: string;
  /** `null` when the query returned no series (no data). */
  value: number | null;
  evaluatedAt: string;
  warnings?: string[];
}

export interface MetricsQuery {
  /** Built-in template name (e.g. `request-success-rate`) or a PromQL template. */
  template: string;
  variables: Record<string, string>;
  /** Window, in ms, substituted as `{{ interval }}`. */
  window: number;
  /** Evaluation time (ISO); orchestrations pass their own clock so runs can be re-judged. */
  at: string;
}

/** Prometheus (or Azure Monitor managed Prometheus). Throws on provider errors; "no data" is a value. */
export interface Metrics {
  query(q: MetricsQuery): Promise<MetricSample>;
}
