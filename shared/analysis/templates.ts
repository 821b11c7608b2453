import type { RouterSpec } from '../contracts/plan.js';
import type { MetricsQuery } from '../ports/metrics.js';
import {
  labelName,
  labelValue,
  PLACEHOLDERS,
  PromqlError,
  render,
  type TemplateVariables,
} from './promql.js';

/**
 * Built-in metric templates, one family per router: the NGINX ingress controller's metrics for the
 * `nginx` router, Istio/Envoy workload metrics for Gateway API routes (and replica-ratio canaries, where
 * the workload label is the only thing that tells canary from primary traffic).
 *
 * `side` (a metric variable, `canary` by default) picks whose traffic is judged: the canary during
 * analysis, the primary during verification after promotion (the canary has no traffic then).
 */

export const BUILTIN_TEMPLATES = ['request-success-rate', 'request-duration', 'request-rate'] as const;
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];
export type MetricFamily = 'nginx' | 'istio';
export type Side = 'canary' | 'primary';

export function isBuiltinTemplate(name: string): name is BuiltinTemplate {
  return (BUILTIN_TEMPLATES as readonly string[]).includes(name);
}

export function familyFor(router: RouterSpec): MetricFamily {
  return router.kind === 'nginx' ? 'nginx' : 'istio';
}

const NGINX_REQUESTS = 'nginx_ingress_controller_requests';
const NGINX_BUCKETS = 'nginx_ingress_controller_request_duration_seconds_bucket';
const ISTIO_REQUESTS = 'istio_requests_total';
const ISTIO_BUCKETS = 'istio_request_duration_milliseconds_bucket';

/** Labels the built-in selectors already match on: a cluster label named like one would contradict it. */
export const SELECTOR_LABELS: readonly string[] = [
  'namespace',
  'ingress',
  'canary',
  'status',
  'le',
  'reporter',
  'destination_workload_namespace',
  'destination_workload',
  'response_code',
];

/**
 * Label matchers selecting one side's traffic. NGINX labels canary traffic with the canary upstream's
 * name and leaves `canary` empty (absent) for the primary; `ingress` is the main ingress for both.
 * `clusterLabel` (the service's `canary.provider.clusterLabel`): the label naming the cluster in a
 * Prometheus several clusters feed, matched to the target's `{{ cluster }}` so a ring is judged on its
 * own cluster's traffic only; absent, no cluster matcher (a single cluster's Prometheus has no such label).
 */
function selector(family: MetricFamily, side: Side, clusterLabel?: string): string {
  const cluster = clusterLabel === undefined ? '' : `,${clusterSelectorLabel(clusterLabel)}="{{ cluster }}"`;
  if (family === 'nginx')
    return `namespace="{{ namespace }}",ingress="{{ ingress }}",canary${side === 'canary' ? '!=' : '='}""${cluster}`;
  const workload = side === 'canary' ? '{{ canary }}' : '{{ target }}';
  return `reporter="destination",destination_workload_namespace="{{ namespace }}",destination_workload="${workload}"${cluster}`;
}

/** `name` when it can be the cluster label: a classic label name, not reserved, not already matched. */
export function clusterSelectorLabel(name: string): string {
  labelName(name);
  if (name.startsWith('__'))
    throw new PromqlError('variable-invalid', `label names starting with __ are reserved, got "${name}"`);
  if (SELECTOR_LABELS.includes(name))
    throw new PromqlError(
      'variable-invalid',
      `"${name}" is a label the built-in templates already match on; name the label that holds the cluster`,
    );
  return name;
}

/**
 * `request-success-rate`: 100 × non-5xx / all. The numerator falls back to `vector(0)` because a
 * workload answering only 5xx has no non-5xx series at all, and an empty numerator would read as
 * "no data" instead of 0 %. No traffic in the window with series present gives 0/0 = NaN.
 */
function successRate(family: MetricFamily, side: Side, clusterLabel?: string): string {
  const metric = family === 'nginx' ? NGINX_REQUESTS : ISTIO_REQUESTS;
  const status = family === 'nginx' ? 'status' : 'response_code';
  const sel = selector(family, side, clusterLabel);
  return (
    `100 * (sum(rate(${metric}{${sel},${status}!~"5.."}[{{ interval }}])) or vector(0))` +
    ` / sum(rate(${metric}{${sel}}[{{ interval }}]))`
  );
}

/** `request-duration`: a real percentile from histogram buckets, in milliseconds (NGINX reports seconds). */
function duration(family: MetricFamily, side: Side, clusterLabel?: string): string {
  const metric = family === 'nginx' ? NGINX_BUCKETS : ISTIO_BUCKETS;
  const quantile =
    `histogram_quantile({{ variables.quantile | 0.95 }}, ` +
    `sum by (le) (rate(${metric}{${selector(family, side, clusterLabel)}}[{{ interval }}])))`;
  return family === 'nginx' ? `1000 * ${quantile}` : quantile;
}

/** `request-rate`: requests per second over the window (traffic sufficiency: × window = requests). */
function requestRate(family: MetricFamily, side: Side, clusterLabel?: string): string {
  const metric = family === 'nginx' ? NGINX_REQUESTS : ISTIO_REQUESTS;
  return `sum(rate(${metric}{${selector(family, side, clusterLabel)}}[{{ interval }}]))`;
}

/**
 * The PromQL template text of a built-in metric (placeholders not yet rendered); with `clusterLabel`,
 * every selector also matches `<clusterLabel>="{{ cluster }}"`.
 */
export function builtinTemplate(
  name: BuiltinTemplate,
  family: MetricFamily,
  side: Side,
  clusterLabel?: string,
): string {
  if (name === 'request-rate') return requestRate(family, side, clusterLabel);
  return name === 'request-success-rate'
    ? successRate(family, side, clusterLabel)
    : duration(family, side, clusterLabel);
}

const ALERT_PLACEHOLDER = /\{\{\s*([a-z]+)\s*\}\}/g;

/**
 * `ALERTS{alertstate="firing", <matchers>}`: Prometheus's series of active alerts. Matcher names must be
 * label names; values may hold `{{ namespace }}`, `{{ target }}`, `{{ canary }}`, `{{ service }}` or
 * `{{ cluster }}`, and the whole value is escaped once substituted.
 */
export function alertsQuery(matchers: Record<string, string>, variables: Record<string, string>): string {
  const parts = ['alertstate="firing"'];
  for (const [name, template] of Object.entries(matchers).sort(([a], [b]) => a.localeCompare(b))) {
    if (name === 'alertstate') throw new PromqlError('variable-invalid', 'alertstate is always "firing"');
    const value = template.replace(ALERT_PLACEHOLDER, (_, key: string) => {
      const v = ['namespace', 'target', 'canary', 'service', 'cluster'].includes(key)
        ? variables[key]
        : undefined;
      if (v === undefined)
        throw new PromqlError('variable-missing', `no value for {{ ${key} }} in alert matcher`);
      return v;
    });
    if (value.includes('{{')) throw new PromqlError('template-invalid', `malformed placeholder in ${name}`);
    parts.push(`${labelName(name)}="${labelValue(value)}"`);
  }
  return `ALERTS{${parts.join(',')}}`;
}

function sideOf(metricVariables: Record<string, string> | undefined): Side {
  const side = metricVariables?.side ?? 'canary';
  if (side !== 'canary' && side !== 'primary')
    throw new PromqlError(
      'variable-invalid',
      `variables.side must be canary or primary, got ${JSON.stringify(side)}`,
    );
  return side;
}

/** Whether a metric query names a built-in template (explicitly, or by being exactly a built-in's name). */
function builtinOf(q: Pick<MetricsQuery, 'template' | 'templateKind'>): BuiltinTemplate | undefined {
  if (q.templateKind === 'query') return undefined;
  if (isBuiltinTemplate(q.template)) return q.template;
  // PromQL names cannot hold hyphens: `request-sucess-rate` is a misspelt name, not a subtraction.
  if (q.templateKind === 'ref' || /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/.test(q.template))
    throw new PromqlError(
      'template-invalid',
      `unknown built-in template ${JSON.stringify(q.template)}; known: ${BUILTIN_TEMPLATES.join(', ')}`,
    );
  return undefined;
}

/** The placeholder values of a query: the port's variables, the router's names and the window. */
export function templateVariables(q: Omit<MetricsQuery, 'at'>): TemplateVariables {
  const vars: TemplateVariables = { interval: q.window, variables: q.metricVariables ?? {} };
  for (const key of PLACEHOLDERS) {
    const value = q.variables[key];
    if (key !== 'interval' && value !== undefined) vars[key] = value;
  }
  if (q.router?.kind === 'nginx') vars.ingress = q.router.ingress;
  if (q.router?.kind === 'gateway-api') vars.route = q.router.route;
  return vars;
}

/** Renders a metric query to PromQL: a built-in for the router and side, or an inline template. */
export function renderMetricQuery(q: Omit<MetricsQuery, 'at'>): string {
  const builtin = builtinOf(q);
  if (!builtin) return render(q.template, templateVariables(q));
  if (!q.router)
    throw new PromqlError('variable-missing', `built-in template ${builtin} needs the service's router`);
  const text = builtinTemplate(builtin, familyFor(q.router), sideOf(q.metricVariables), q.clusterLabel);
  return render(text, templateVariables(q));
}
