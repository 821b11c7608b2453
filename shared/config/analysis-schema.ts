import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { planSteps } from '../domain/step-plan.js';
import { BUILTIN_TEMPLATES } from '../analysis/templates.js';
import { DEFAULT_MIN_REQUESTS } from '../analysis/judge.js';
import {
  ALL_BUILTIN_TEMPLATES,
  appInsightsOf,
  checkProviderAlerts,
  checkProviderMetrics,
  provider,
} from './provider-schema.js';
import {
  duration,
  expected,
  grammar,
  int,
  label,
  positiveDuration,
  uniqueNames,
  weight,
  type Ctx,
} from './fields.js';

/**
 * The canary analysis and verification blocks. A Flagger `Canary`'s `spec.analysis` loads unchanged:
 * its fields keep their meaning and defaults; fields Gantry does not act on (`webhooks`, `mirror`,
 * `match`, `sessionAffinity`, readiness thresholds, alert-provider routing) are accepted, listed in
 * `ignored`, and recorded on the timeline when a canary starts, so nothing is silently dropped.
 */

const templateName = grammar(
  (v) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(v),
  'a template name such as request-success-rate',
);

const bounds = z.strictObject({ min: z.number().optional(), max: z.number().optional() });

/** A metric check (canary) and, with `for`, a verification rule. */
const metricFields = {
  name: label,
  /** Flagger writes `templateRef: {name, namespace}`; the namespace is irrelevant here. */
  templateRef: z
    .union([templateName, z.strictObject({ name: templateName, namespace: z.string().optional() })])
    .transform((v) => (typeof v === 'string' ? v : v.name))
    .optional(),
  query: z.string(expected('a PromQL template')).min(1).optional(),
  thresholdRange: bounds,
  interval: positiveDuration.default(parseDuration('1m')),
  templateVariables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
  /** Gantry: hard bounds that roll back on the first breach. */
  failFast: bounds.optional(),
};

function checkBounds(b: { min?: number; max?: number }, path: PropertyKey[], ctx: Ctx): void {
  if (b.min === undefined && b.max === undefined)
    ctx.addIssue({ code: 'custom', path, message: 'set min, max or both' });
  if (b.min !== undefined && b.max !== undefined && b.min > b.max)
    ctx.addIssue({ code: 'custom', path, message: `min (${b.min}) is greater than max (${b.max})` });
}

type MetricInput = {
  name: string;
  templateRef?: string;
  query?: string;
  thresholdRange: z.output<typeof bounds>;
  templateVariables?: Record<string, string>;
  interval: number;
};

/** Flagger's built-ins are named, not referenced: a metric named like one needs no templateRef. */
function resolveTemplate<T extends MetricInput>(v: T): T {
  if (v.templateRef === undefined && v.query === undefined && ALL_BUILTIN_TEMPLATES.includes(v.name))
    return { ...v, templateRef: v.name };
  return v;
}

function checkMetric(v: MetricInput & { failFast?: z.output<typeof bounds> }, ctx: Ctx) {
  if ((v.templateRef === undefined) === (v.query === undefined))
    ctx.addIssue({ code: 'custom', message: 'set exactly one of templateRef or query' });
  // There are no named custom templates (Flagger MetricTemplates): an unknown name could only fail at
  // every check, as a provider error, long after the file was accepted.
  // (Which provider's built-ins apply is checked with the canary's `provider`, in checkProviderMetrics.)
  if (v.templateRef !== undefined && !ALL_BUILTIN_TEMPLATES.includes(v.templateRef))
    ctx.addIssue({
      code: 'custom',
      path: ['templateRef'],
      message:
        `unknown template "${v.templateRef}" (built-ins: ${BUILTIN_TEMPLATES.join(', ')}); ` +
        "write a MetricTemplate's PromQL inline as query",
    });
  checkBounds(v.thresholdRange, ['thresholdRange'], ctx);
  if (v.failFast) checkBounds(v.failFast, ['failFast'], ctx);
}

export const metric = z.strictObject(metricFields).transform(resolveTemplate).superRefine(checkMetric);
export const rule = z
  .strictObject({ ...metricFields, for: duration })
  .transform(resolveTemplate)
  .superRefine(checkMetric);

/**
 * Matcher names are checked in a refinement, not as record keys: a bad key would make the union below
 * fail as a whole ("Invalid input") instead of naming the matcher.
 */
const matchers = z.record(z.string(), z.string().max(256)).superRefine((m, ctx) => {
  for (const name of Object.keys(m)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be a Prometheus label name' });
    else if (name === 'alertstate')
      ctx.addIssue({ code: 'custom', path: [name], message: 'alertstate is always "firing"' });
  }
});

/** Gantry's alerts block; Flagger's `alerts` is a list of notification providers (accepted, ignored). */
const alerts = z.union([
  z.strictObject({ matchers }),
  z.array(z.looseObject({ name: z.string().optional() })).transform(() => undefined),
]);

const baseline = z.strictObject({
  step: positiveDuration.default(parseDuration('10s')),
  metrics: z
    .array(
      z.strictObject({
        metric: label,
        direction: z.enum(['increase-is-bad', 'decrease-is-bad']),
        // Defaults depend on the metric (see `baselinePlan` in plan.ts): points for a success rate.
        scale: z.enum(['points', 'ratio']).optional(),
        tolerance: z.number().min(0).optional(),
        alpha: z.number().gt(0).lt(1).default(0.02),
      }),
    )
    .min(1),
});

/** Flagger fields accepted for compatibility but not acted on. */
const FLAGGER_IGNORED = [
  'webhooks',
  'mirror',
  'mirrorWeight',
  'match',
  'sessionAffinity',
  'primaryReadyThreshold',
  'canaryReadyThreshold',
] as const;

const SCHEDULE_KEYS = [
  'steps',
  'stepWeights',
  'stepWeight',
  'maxWeight',
  'checksPerStep',
  'iterations',
] as const;

function checkSchedule(v: z.output<typeof canaryObject>, ctx: Ctx): void {
  const problems: Array<[PropertyKey[], string]> = [];
  const set = SCHEDULE_KEYS.filter((key) => v[key] !== undefined);
  const conflict = (a: string, b: string) => problems.push([[b], `${a} and ${b} cannot be combined`]);
  if (v.steps !== undefined) set.filter((key) => key !== 'steps').forEach((key) => conflict('steps', key));
  else if (v.stepWeights !== undefined) {
    set
      .filter((key) => key === 'stepWeight' || key === 'maxWeight')
      .forEach((key) => conflict('stepWeights', key));
  } else if (v.stepWeight === undefined && v.iterations === undefined) {
    problems.push([[], 'set a traffic schedule: steps, stepWeights, stepWeight or iterations (blue/green)']);
  }
  if (v.stepWeight !== undefined && v.maxWeight !== undefined && v.maxWeight < v.stepWeight)
    problems.push([['maxWeight'], `must be at least stepWeight (${v.stepWeight})`]);
  if (problems.length === 0) {
    try {
      planSteps(v);
    } catch (error) {
      problems.push([v.steps !== undefined ? ['steps'] : ['stepWeights'], (error as Error).message]);
    }
  }
  for (const [path, message] of problems) ctx.addIssue({ code: 'custom', path, message });
}

const canaryObject = z.strictObject({
  interval: positiveDuration.default(parseDuration('1m')),
  threshold: int(1, 1000).default(1),
  steps: z
    .array(z.strictObject({ weight, duration: positiveDuration }))
    .min(1)
    .optional(),
  stepWeights: z.array(weight).min(1).optional(),
  stepWeight: weight.optional(),
  maxWeight: weight.optional(),
  checksPerStep: int(1, 1000).optional(),
  iterations: int(1, 1000).optional(),
  stepWeightPromotion: weight.optional(),
  metrics: z.array(metric).min(1, { message: 'a canary needs at least one metric to judge it' }),
  minRequests: int(0, 1_000_000_000).default(DEFAULT_MIN_REQUESTS),
  inconclusiveLimit: int(0, 1000).default(3),
  consecutiveErrorLimit: int(0, 1000).default(4),
  onLimitExhausted: z.enum(['pause', 'fail']).default('pause'),
  onProviderOutage: z.enum(['pause-at-zero', 'hold']).default('pause-at-zero'),
  onDrift: z.enum(['correct', 'pause']).default('correct'),
  fastCheckInterval: positiveDuration.optional(),
  alerts: alerts.optional(),
  baseline: baseline.optional(),
  /** Where metrics are read: Prometheus (absent) or Application Insights (provider-schema.ts). */
  provider: provider.optional(),
  webhooks: z.unknown().optional(),
  mirror: z.unknown().optional(),
  mirrorWeight: z.unknown().optional(),
  match: z.unknown().optional(),
  sessionAffinity: z.unknown().optional(),
  primaryReadyThreshold: z.unknown().optional(),
  canaryReadyThreshold: z.unknown().optional(),
} satisfies Record<(typeof FLAGGER_IGNORED)[number], z.ZodType> & Record<string, z.ZodType>);

export const canary = canaryObject
  .superRefine((v, ctx) => {
    uniqueNames(v.metrics, ctx, 'metrics');
    checkSchedule(v, ctx);
    checkProviderMetrics(appInsightsOf(v.provider), v.metrics, ['metrics'], ctx);
    checkProviderAlerts(appInsightsOf(v.provider), v.alerts, ctx);
    if (v.fastCheckInterval !== undefined && v.fastCheckInterval >= v.interval)
      ctx.addIssue({ code: 'custom', path: ['fastCheckInterval'], message: 'must be shorter than interval' });
    const names = new Set(v.metrics.map((m) => m.name));
    v.baseline?.metrics.forEach((b, i) => {
      if (!names.has(b.metric))
        ctx.addIssue({
          code: 'custom',
          path: ['baseline', 'metrics', i, 'metric'],
          message: `no canary metric "${b.metric}"`,
        });
    });
  })
  .transform((v) => {
    const present = FLAGGER_IGNORED.filter((key) => v[key] !== undefined);
    const flaggerAlerts = v.alerts === undefined && 'alerts' in v;
    // The provider travels as Application Insights or nothing; Prometheus keeps only its cluster label.
    const { provider: configured, ...rest } = v;
    const appInsights = appInsightsOf(configured);
    const clusterLabel = configured?.kind === 'prometheus' ? configured.clusterLabel : undefined;
    return {
      ...rest,
      ...(appInsights && { provider: appInsights }),
      ...(clusterLabel !== undefined && { clusterLabel }),
      ignored: [...present, ...(flaggerAlerts ? ['alerts (notification providers)'] : [])],
    };
  });

export const verification = z
  .strictObject({
    window: positiveDuration.default(parseDuration('5m')),
    interval: positiveDuration.default(parseDuration('30s')),
    rules: z.array(rule).default([]),
    crashLoops: z.boolean().default(true),
    health: z.strictObject({ maxRatio: z.number().min(0).max(1), for: duration }).optional(),
    minRequests: int(0, 1_000_000_000).default(DEFAULT_MIN_REQUESTS),
  })
  .superRefine((v, ctx) => {
    uniqueNames(v.rules, ctx, 'rules');
    if (v.interval > v.window)
      ctx.addIssue({ code: 'custom', path: ['interval'], message: 'must not exceed window' });
    v.rules.forEach((r, index) => {
      if (r.for > v.window)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'for'],
          message: 'longer than the window: it can never fire',
        });
    });
  });

export const VERIFICATION_DEFAULT = {
  window: parseDuration('5m'),
  interval: parseDuration('30s'),
  rules: [],
  crashLoops: true,
  minRequests: DEFAULT_MIN_REQUESTS,
};
