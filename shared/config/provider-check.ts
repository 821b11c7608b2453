import { checkMetricTemplate, type PrometheusMode } from '../analysis/template-check.js';
import type { ConfigIssue } from './load.js';
import type { ServiceConfig } from './schema.js';

/**
 * The templates of every service against the limits of the provider they will be sent to (Azure
 * Monitor managed Prometheus refuses selectors without one metric name, ranges over 32 days, and matches
 * labels case-insensitively): refused when the file loads, not at the first check of a canary.
 */
export function providerIssues(
  services: Record<string, ServiceConfig>,
  mode: PrometheusMode,
  locate: (service: string, rel: Array<string | number>) => { path: string; line?: number },
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, service] of Object.entries(services)) {
    const lists: Array<[string[], ServiceConfig['canary']['metrics']]> = [
      [['canary', 'metrics'], service.canary.metrics],
      [['verification', 'rules'], service.verification.rules],
    ];
    for (const [base, metrics] of lists)
      metrics.forEach((metric, index) => {
        for (const issue of checkMetricTemplate(metric, mode))
          issues.push({ ...locate(name, [...base, index, ...issue.path]), message: issue.message });
      });
  }
  return issues;
}
