import { z } from 'zod';
import { PromqlError } from '../analysis/promql.js';
import { BUILTIN_TEMPLATES, clusterSelectorLabel } from '../analysis/templates.js';
import { checkMetricTemplate } from '../analysis/template-check.js';
import { KqlError, checkKqlTemplate } from '../analysis/kql.js';
import { KQL_BUILTIN_TEMPLATES, checkProviderText } from '../analysis/kql-templates.js';
import type { MetricsProviderSpec } from '../contracts/plan.js';
import { duration, expected, type Ctx } from './fields.js';

/**
 * `canary.provider`: where the canary's (and the verification rules') metrics are read. Absent or
 * `kind: prometheus`: Prometheus (the app's `GANTRY_PROMETHEUS_URL`). `kind: app-insights`: the service's
 * workspace-based Application Insights, over KQL. Everything a query needs is checked here, so an
 * incomplete block, a template Application Insights cannot run or a placeholder in an unsafe place is
 * refused with its line instead of pausing a canary with provider errors later.
 */

const providerText = z
  .string(expected('text, optionally with {{ service }}, {{ target }}, {{ canary }}, {{ namespace }}'))
  .min(1)
  .max(256)
  .superRefine((v, ctx) => {
    try {
      checkProviderText(v);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const side = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('pod') }),
  z.strictObject({ by: z.literal('version'), canary: providerText, primary: providerText }),
  z.strictObject({
    by: z.literal('property'),
    property: z
      .string()
      .regex(/^[A-Za-z0-9_.\-/:]{1,128}$/, 'must be a custom dimension name such as k8s.pod.label.track'),
    canary: providerText,
    primary: providerText,
  }),
]);

/**
 * `clusterLabel`: the Prometheus label that names the cluster a series came from (Azure Managed
 * Prometheus and most central Prometheus set-ups: `cluster`), or `false` for none. Checked here, so a
 * name PromQL cannot hold is refused with its line, not at the first check.
 */
const clusterLabel = z.union(
  [
    z.literal(false),
    z.string().superRefine((v, ctx) => {
      try {
        clusterSelectorLabel(v);
      } catch (error) {
        const reason = error instanceof PromqlError ? error.message : String(error);
        const message = reason.startsWith('invalid label name')
          ? `must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, e.g. cluster), got ${JSON.stringify(v)}`
          : reason;
        ctx.addIssue({ code: 'custom', message });
      }
    }),
  ],
  { error: () => 'expected a Prometheus label name such as cluster, or false' },
);

/** `canary.provider: { kind: prometheus }` as configured: the default provider, with its cluster label. */
export interface PrometheusProvider {
  kind: 'prometheus';
  /** Absent: `cluster` for a train over several clusters, else none (rings-plan.ts, `clusterLabelOf`). */
  clusterLabel?: string | false;
}

export const provider = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('prometheus'), clusterLabel: clusterLabel.optional() }),
    z.strictObject({
      kind: z.literal('app-insights'),
      workspaceId: z
        .string()
        .regex(
          /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/,
          'must be a Log Analytics workspace ID (GUID)',
        )
        .optional(),
      roleName: providerText.default('{{ service }}'),
      side: side.default({ by: 'pod' }),
      ingestionDelay: duration.refine((ms) => ms <= 3_600_000, { message: 'must be at most 1h' }).optional(),
    }),
  ])
  .transform((v): MetricsProviderSpec | PrometheusProvider => v);

/** The provider stamped on metrics: Application Insights, or undefined for Prometheus (the default). */
export function appInsightsOf(
  p: MetricsProviderSpec | PrometheusProvider | undefined,
): MetricsProviderSpec | undefined {
  return p?.kind === 'app-insights' ? p : undefined;
}

type Metric = {
  templateRef?: string;
  query?: string;
  templateVariables?: Record<string, string>;
  interval: number;
};

/** The built-in names of either provider (a metric's own check cannot know which one applies). */
export const ALL_BUILTIN_TEMPLATES: readonly string[] = [
  ...new Set<string>([...BUILTIN_TEMPLATES, ...KQL_BUILTIN_TEMPLATES]),
];

/** Metrics (canary or verification rules) checked against the provider that will run them. */
export function checkProviderMetrics(
  p: MetricsProviderSpec | undefined,
  metrics: readonly Metric[],
  path: PropertyKey[],
  ctx: Ctx,
): void {
  const known: readonly string[] = p ? KQL_BUILTIN_TEMPLATES : BUILTIN_TEMPLATES;
  metrics.forEach((m, i) => {
    if (m.templateRef !== undefined && !known.includes(m.templateRef))
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'templateRef'],
        message: `"${m.templateRef}" is not a built-in of the ${p ? 'app-insights' : 'Prometheus'} provider (${known.join(', ')})`,
      });
    // PromQL is read with its grammar when the file loads, not at the first check (template-check.ts).
    if (!p && (m.templateRef === undefined) !== (m.query === undefined))
      for (const issue of checkMetricTemplate(m))
        ctx.addIssue({ code: 'custom', ...issue, path: [...path, i, ...issue.path] });
    if (p && m.query !== undefined) {
      try {
        checkKqlTemplate(m.query);
      } catch (error) {
        const message = error instanceof KqlError ? `KQL template: ${error.message}` : String(error);
        ctx.addIssue({ code: 'custom', path: [...path, i, 'query'], message });
      }
    }
  });
}

/** Prometheus alerts have no Application Insights counterpart: refused rather than never checked. */
export function checkProviderAlerts(p: MetricsProviderSpec | undefined, alerts: unknown, ctx: Ctx): void {
  if (p && alerts !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['alerts'],
      message: 'alerts are Prometheus ALERTS and cannot be read with the app-insights provider; remove them',
    });
}
