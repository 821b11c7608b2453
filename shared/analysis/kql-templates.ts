import type { MetricsProviderSpec, SideSelector } from '../contracts/plan.js';
import type { MetricsQuery } from '../ports/metrics.js';
import {
  checkKqlTemplate,
  KQL_STRING_PLACEHOLDERS,
  KqlError,
  kqlDatetime,
  kqlLiteral,
  kqlTimespan,
  renderKql,
  type KqlVariables,
} from './kql.js';

/**
 * Built-in KQL templates for workspace-based Application Insights. The Log Analytics query API (the one
 * `LogsQueryClient.queryWorkspace` calls) sees the workspace tables `AppRequests` and `AppDependencies`
 * with their workspace column names (`TimeGenerated`, `Success`, `DurationMs`, `ItemCount`,
 * `AppRoleName`, `AppRoleInstance`, `AppVersion`, `Properties`); the classic names (`requests`,
 * `cloud_RoleName`, `customDimensions`) exist only in the Application Insights resource's own API.
 *
 * Counts are sums of `ItemCount`, and percentiles are weighted by it, because a sampled row stands for
 * `ItemCount` requests. Every template yields one row with one column `value`; the window is
 * `(end - interval, end]`, the same as a PromQL `[interval]` range evaluated at `end`.
 */

export const KQL_BUILTIN_TEMPLATES = [
  'request-success-rate',
  'request-duration',
  'request-rate',
  'dependency-failure-rate',
] as const;
export type KqlBuiltinTemplate = (typeof KQL_BUILTIN_TEMPLATES)[number];

export function isKqlBuiltin(name: string): name is KqlBuiltinTemplate {
  return (KQL_BUILTIN_TEMPLATES as readonly string[]).includes(name);
}

const WINDOW = '| where TimeGenerated > {{ end }} - {{ interval }} and TimeGenerated <= {{ end }}';

const TEMPLATES: Record<KqlBuiltinTemplate, string> = {
  /** 100 × successful / all requests; no requests in the window gives 0/0 = NaN (no traffic). */
  'request-success-rate': [
    'AppRequests',
    WINDOW,
    '| where {{ selector }}',
    '| summarize requests = sum(ItemCount), failed = sumif(ItemCount, Success == false)',
    '| project value = 100.0 * todouble(requests - failed) / todouble(requests)',
  ].join('\n'),
  /** A percentile of `DurationMs` (ms); `variables.percentile` (0-100) or `variables.quantile` (0-1). */
  'request-duration': [
    'AppRequests',
    WINDOW,
    '| where {{ selector }}',
    '| summarize value = percentilew(DurationMs, ItemCount, {{ variables.percentile | 95 }})',
  ].join('\n'),
  /** Requests per second over the window (× window = requests: the traffic sufficiency check). */
  'request-rate': [
    'AppRequests',
    WINDOW,
    '| where {{ selector }}',
    '| summarize requests = sum(ItemCount)',
    '| project value = todouble(requests) / {{ intervalSeconds }}',
  ].join('\n'),
  /** 100 × failed / all outgoing dependency calls of the side's pods. */
  'dependency-failure-rate': [
    'AppDependencies',
    WINDOW,
    '| where {{ selector }}',
    '| summarize calls = sum(ItemCount), failed = sumif(ItemCount, Success == false)',
    '| project value = 100.0 * todouble(failed) / todouble(calls)',
  ].join('\n'),
};

export function kqlBuiltinTemplate(name: KqlBuiltinTemplate): string {
  return TEMPLATES[name];
}

type Strings = KqlVariables['strings'];
const TEXT_PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

/** Fills `{{ service }}` etc. in a provider value (role name, side value); the result is escaped later. */
export function fillText(template: string, strings: Strings): string {
  if (template.replace(TEXT_PLACEHOLDER, '').includes('{{'))
    throw new KqlError('template-invalid', `malformed placeholder in ${JSON.stringify(template)}`);
  return template.replace(TEXT_PLACEHOLDER, (_, key: string) => {
    const v = (KQL_STRING_PLACEHOLDERS as readonly string[]).includes(key)
      ? strings[key as keyof Strings]
      : undefined;
    if (v === undefined) throw new KqlError('variable-missing', `no value for {{ ${key} }}`);
    return v;
  });
}

/** Checks a provider value at load: only the four known placeholders, well formed. */
export function checkProviderText(template: string): void {
  const sample = Object.fromEntries(KQL_STRING_PLACEHOLDERS.map((k) => [k, 'x']));
  fillText(template, sample);
}

/** The side filter (`{{ selector }}`): the role, then the canary's or the primary's telemetry. */
export function sideSelector(
  provider: MetricsProviderSpec,
  side: 'canary' | 'primary',
  strings: Strings,
): string {
  const role = `AppRoleName == ${kqlLiteral(fillText(provider.roleName, strings))}`;
  return `${role} and ${sideFilter(provider.side, side, strings)}`;
}

function sideFilter(s: SideSelector, side: 'canary' | 'primary', strings: Strings): string {
  if (s.by === 'pod') {
    const prefix = (name: string | undefined) => {
      if (!name) throw new KqlError('variable-missing', 'no Deployment name to select pods by');
      return `AppRoleInstance startswith ${kqlLiteral(`${name}-`)}`;
    };
    return side === 'canary'
      ? prefix(strings.canary)
      : `${prefix(strings.target)} and not(${prefix(strings.canary)})`;
  }
  const value = kqlLiteral(fillText(side === 'canary' ? s.canary : s.primary, strings));
  if (s.by === 'version') return `AppVersion == ${value}`;
  return `tostring(Properties[${kqlLiteral(s.property)}]) == ${value}`;
}

/** `variables.quantile` (0-1, as for the PromQL built-ins) becomes the KQL percentile (0-100). */
function metricVariables(vars: Record<string, string> | undefined): Record<string, string> {
  const { side: _side, ...rest } = vars ?? {};
  if (rest.quantile === undefined || rest.percentile !== undefined) return rest;
  const q = Number(rest.quantile);
  if (!(q > 0 && q < 1))
    throw new KqlError(
      'variable-invalid',
      `variables.quantile must be between 0 and 1, got ${rest.quantile}`,
    );
  return { ...rest, percentile: String(Math.round(q * 1e6) / 1e4) };
}

function sideOf(vars: Record<string, string> | undefined): 'canary' | 'primary' {
  const side = vars?.side ?? 'canary';
  if (side !== 'canary' && side !== 'primary')
    throw new KqlError(
      'variable-invalid',
      `variables.side must be canary or primary, got ${JSON.stringify(side)}`,
    );
  return side;
}

/** The KQL template of a query: a built-in by name, or the metric's own KQL. */
export function kqlTemplateOf(q: Pick<MetricsQuery, 'template' | 'templateKind'>): string {
  if (q.templateKind !== 'query' && isKqlBuiltin(q.template)) return kqlBuiltinTemplate(q.template);
  if (q.templateKind === 'ref' || /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/.test(q.template))
    throw new KqlError(
      'template-invalid',
      `unknown built-in template ${JSON.stringify(q.template)}; known: ${KQL_BUILTIN_TEMPLATES.join(', ')}`,
    );
  return q.template;
}

/** Renders a metric query to KQL for the window ending at `end`. */
export function renderKqlQuery(
  q: Omit<MetricsQuery, 'at'>,
  provider: MetricsProviderSpec,
  end: string,
): string {
  const strings: Strings = {};
  for (const key of KQL_STRING_PLACEHOLDERS)
    if (q.variables[key] !== undefined) strings[key] = q.variables[key];
  const vars: KqlVariables = {
    strings,
    code: {
      interval: kqlTimespan(q.window),
      intervalSeconds: String(q.window / 1000),
      end: kqlDatetime(end),
      selector: sideSelector(provider, sideOf(q.metricVariables), strings),
    },
    variables: metricVariables(q.metricVariables),
  };
  return renderKql(kqlTemplateOf(q), vars);
}

/** Load-time check of a metric's KQL (`query`), so a bad template never reaches a canary. */
export function checkKqlMetric(template: string): void {
  checkKqlTemplate(template);
}
