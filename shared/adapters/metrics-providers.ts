import type { Metrics } from '../ports/metrics.js';

/**
 * The metrics port of the app: each query goes to the provider its service configured
 * (`canary.provider`, carried on the query): Application Insights for `app-insights`, Prometheus
 * otherwise. Alerts are Prometheus's only (the app-insights provider refuses them at load).
 */
export function providerMetrics(prometheus: Metrics, appInsights: Metrics): Metrics {
  const pick = (kind: string | undefined) => (kind === 'app-insights' ? appInsights : prometheus);
  return {
    query: (q) => pick(q.provider?.kind).query(q),
    queryRange: (q, range) => pick(q.provider?.kind).queryRange(q, range),
    firingAlerts: (matchers, variables, at) => prometheus.firingAlerts(matchers, variables, at),
  };
}
