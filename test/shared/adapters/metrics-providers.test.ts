import { describe, expect, it } from 'vitest';
import { providerMetrics } from '../../../shared/adapters/metrics-providers.js';
import type { Metrics, MetricsQuery } from '../../../shared/ports/metrics.js';

/** A port that answers with its own name, so the test sees where each call went. */
function named(name: string, calls: string[]): Metrics {
  return {
    query: async (q) => (calls.push(`${name}.query`), { query: name, value: 1, evaluatedAt: q.at }),
    queryRange: async () => (calls.push(`${name}.queryRange`), { query: name, samples: [] }),
    firingAlerts: async () => (calls.push(`${name}.firingAlerts`), { query: name, alerts: [] }),
  };
}

const Q: MetricsQuery = {
  template: 'request-rate',
  variables: {},
  window: 60_000,
  at: '2026-12-07T04:00:00Z',
};
const AI = { kind: 'app-insights' as const, roleName: '{{ service }}', side: { by: 'pod' as const } };

describe('providerMetrics: each query goes to its service provider', () => {
  it('app-insights queries to Application Insights, the rest (and every alert) to Prometheus', async () => {
    const calls: string[] = [];
    const m = providerMetrics(named('prometheus', calls), named('appInsights', calls));
    expect((await m.query(Q)).query).toBe('prometheus');
    expect((await m.query({ ...Q, provider: AI })).query).toBe('appInsights');
    const range = { start: Q.at, end: Q.at, stepMs: 1000 };
    expect((await m.queryRange({ ...Q, provider: AI }, range)).query).toBe('appInsights');
    expect((await m.queryRange(Q, range)).query).toBe('prometheus');
    expect((await m.firingAlerts({}, {}, Q.at)).query).toBe('prometheus');
    expect(calls).toEqual([
      'prometheus.query',
      'appInsights.query',
      'appInsights.queryRange',
      'prometheus.queryRange',
      'prometheus.firingAlerts',
    ]);
  });
});
