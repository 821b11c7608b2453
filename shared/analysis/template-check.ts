import { azureMonitorProblems } from './azure-monitor-limits.js';
import { PromqlError, render, type TemplateVariables } from './promql.js';
import { firstError, parsePromql, quantileArguments } from './promql-tree.js';
import { builtinTemplate, isBuiltinTemplate, type MetricFamily } from './templates.js';

/**
 * The load-time check of a metric's template: everything that would otherwise surface only as a
 * provider error at every check, pausing the canary long after the file was accepted. The template is
 * rendered with sample names and the metric's own `templateVariables` and read with the PromQL grammar.
 */

/** `prometheus` (any Prometheus HTTP API) or `azure-monitor` (Azure Monitor managed Prometheus). */
export type PrometheusMode = 'prometheus' | 'azure-monitor';

export interface TemplateIssue {
  /** Relative to the metric: `['query']`, `['templateRef']` or `['templateVariables', name]`. */
  path: Array<string | number>;
  message: string;
}

export interface MetricTemplate {
  templateRef?: string;
  query?: string;
  templateVariables?: Record<string, string>;
  /** The query window in ms (`{{ interval }}`). */
  interval: number;
}

/** Sample values: valid names, so that only the template itself (and its own variables) can fail. */
const SAMPLE = {
  namespace: 'sample-namespace',
  target: 'sample-app',
  canary: 'sample-app-canary',
  service: 'sample-app',
  ingress: 'sample-app',
  route: 'sample-app',
  cluster: 'sample-cluster',
} as const;

const FAMILIES: MetricFamily[] = ['nginx', 'istio'];

function texts(m: MetricTemplate): Array<{ text: string; at: 'query' | 'templateRef' }> {
  if (m.query !== undefined) return [{ text: m.query, at: 'query' }];
  const ref = m.templateRef;
  if (ref === undefined || !isBuiltinTemplate(ref)) return [];
  return FAMILIES.map((family) => ({ text: builtinTemplate(ref, family, 'canary'), at: 'templateRef' }));
}

function quantileProblems(query: string): string[] {
  const tree = parsePromql(query);
  if (firstError(tree) !== undefined) return ['the rendered query is not valid PromQL'];
  return quantileArguments(tree).flatMap((arg) => {
    if (arg.name !== 'NumberDurationLiteral') return [];
    const q = Number(query.slice(arg.from, arg.to));
    return q >= 0 && q <= 1
      ? []
      : [`a quantile must be between 0 and 1, got ${query.slice(arg.from, arg.to)}`];
  });
}

/** Where a render error belongs: the variable it names when the metric sets it, else the template. */
function issuePath(m: MetricTemplate, at: string, message: string): Array<string | number> {
  const variable = /variables\.([A-Za-z_][A-Za-z0-9_]*)/.exec(message)?.[1];
  return variable !== undefined && m.templateVariables?.[variable] !== undefined
    ? ['templateVariables', variable]
    : [at];
}

/** Problems of one metric's template; `mode` adds the limits of Azure Monitor managed Prometheus. */
export function checkMetricTemplate(m: MetricTemplate, mode: PrometheusMode = 'prometheus'): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  // `side` is Gantry's to set at each check (canary, or primary in verification and baselines).
  const variables = { side: 'canary', ...m.templateVariables };
  const vars: TemplateVariables = { ...SAMPLE, interval: m.interval, variables };
  for (const { text, at } of texts(m)) {
    let query: string;
    try {
      query = render(text, vars);
    } catch (error) {
      if (!(error instanceof PromqlError)) throw error;
      issues.push({ path: issuePath(m, at, error.message), message: error.message });
      continue;
    }
    for (const message of quantileProblems(query)) issues.push({ path: [at], message });
    if (mode === 'azure-monitor')
      for (const message of azureMonitorProblems(query)) issues.push({ path: [at], message });
  }
  // The built-ins render alike for both families: one report per problem is enough.
  const unique = new Map(issues.map((i) => [`${i.path.join('.')}\u0000${i.message}`, i]));
  return [...unique.values()];
}
