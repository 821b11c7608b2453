import type {
  AlertsSpec,
  BaselineSpec,
  CanarySpec,
  GateSpec,
  MetricCheck,
  MetricsProviderSpec,
  PipelinePlan,
} from '../contracts/plan.js';
import { planSteps } from '../domain/step-plan.js';
import { DEFAULT_TOLERANCE } from '../analysis/statistics.js';
import { clusterLabelOf, ringsPlan } from './rings-plan.js';
import type { GantryConfig, ServiceConfig } from './schema.js';

/**
 * From the validated configuration to what the orchestrations run: a `PipelinePlan` per service, and
 * the lookup from a pushed image to the service it belongs to.
 */

export class UnknownServiceError extends Error {
  readonly code = 'service-unknown';
  constructor(readonly service: string) {
    super(`no service "${service}" in the configuration`);
    this.name = 'UnknownServiceError';
  }
}

type MetricConfig = ServiceConfig['canary']['metrics'][number];

function metricCheck(
  metric: MetricConfig,
  provider?: MetricsProviderSpec,
  clusterLabel?: string,
): MetricCheck {
  const { min, max } = metric.thresholdRange;
  return {
    name: metric.name,
    template: metric.templateRef ?? (metric.query as string),
    templateKind: metric.templateRef !== undefined ? 'ref' : 'query',
    ...(metric.templateVariables && { variables: metric.templateVariables }),
    ...(min !== undefined && { min }),
    ...(max !== undefined && { max }),
    interval: metric.interval,
    ...(metric.failFast && { failFast: metric.failFast }),
    ...(provider && { provider }),
    ...(clusterLabel !== undefined && { clusterLabel }),
  };
}

function gateSpecs(gates: ServiceConfig['gates']): GateSpec[] {
  const specs: GateSpec[] = [];
  if (gates.vulnerability) {
    const { failOn, allow } = gates.vulnerability;
    specs.push({ kind: 'vulnerability', name: 'vulnerability', failOn, allow });
  }
  if (gates.signature) specs.push({ kind: 'signature', name: 'signature', key: gates.signature.key });
  if (gates.ciStatus) {
    const { repository, checks, whenCommitUnknown } = gates.ciStatus;
    specs.push({ kind: 'ci-status', name: 'ci-status', repository, checks, whenCommitUnknown });
  }
  return specs;
}

/** Case-insensitive, because service names are unique ignoring case and URLs get lowercased. */
function findService(config: GantryConfig, name: string): [string, ServiceConfig] | undefined {
  const exact = config.services[name];
  if (exact) return [name, exact];
  const lower = name.toLowerCase();
  return Object.entries(config.services).find(([key]) => key.toLowerCase() === lower);
}

/**
 * Baseline metrics with their tolerance scale resolved: a success rate (the built-in, a percentage) is
 * compared in percentage points, anything else as a share of the baseline median, unless the spec says.
 */
function baselinePlan(canary: ServiceConfig['canary']): BaselineSpec | undefined {
  if (!canary.baseline) return undefined;
  const templates = new Map(canary.metrics.map((m) => [m.name, m.templateRef]));
  return {
    step: canary.baseline.step,
    metrics: canary.baseline.metrics.map((b) => {
      const scale = b.scale ?? (templates.get(b.metric) === 'request-success-rate' ? 'points' : 'ratio');
      const { metric, direction, alpha } = b;
      return { metric, direction, tolerance: b.tolerance ?? DEFAULT_TOLERANCE[scale], scale, alpha };
    }),
  };
}

/**
 * The alert matchers, scoped to the target's cluster when the built-ins are (`clusterLabel`): a train's
 * clusters share one Prometheus and name their Deployments alike, so an alert firing in one ring's
 * cluster must not abort another ring's canary. A matcher the user wrote on that label is kept.
 */
function alertsPlan(alerts: AlertsSpec, clusterLabel: string | undefined): AlertsSpec {
  if (!clusterLabel || Object.hasOwn(alerts.matchers, clusterLabel)) return alerts;
  return { matchers: { ...alerts.matchers, [clusterLabel]: '{{ cluster }}' } };
}

/**
 * The canary analysis part of a plan, from a validated `canary` block (also used to re-judge runs).
 * `clusterLabel`: the service's resolved one (`clusterLabelOf`); a lone block has only its own.
 */
export function canaryPlan(
  canary: ServiceConfig['canary'],
  clusterLabel: string | undefined = canary.clusterLabel || undefined,
): CanarySpec {
  return {
    steps: planSteps(canary),
    interval: canary.interval,
    threshold: canary.threshold,
    metrics: canary.metrics.map((m) => metricCheck(m, canary.provider, clusterLabel)),
    minRequests: canary.minRequests,
    inconclusiveLimit: canary.inconclusiveLimit,
    consecutiveErrorLimit: canary.consecutiveErrorLimit,
    onLimitExhausted: canary.onLimitExhausted,
    onProviderOutage: canary.onProviderOutage,
    onDrift: canary.onDrift,
    ...(canary.fastCheckInterval !== undefined && { fastCheckInterval: canary.fastCheckInterval }),
    ...(canary.alerts && { alerts: alertsPlan(canary.alerts, clusterLabel) }),
    ...(canary.baseline && { baseline: baselinePlan(canary) }),
    ...(canary.stepWeightPromotion !== undefined && { promotionStepWeight: canary.stepWeightPromotion }),
    ...(canary.ignored.length > 0 && { ignored: canary.ignored }),
  };
}

/**
 * What accepting a push needs of a service: its configured name (found in any casing) and its chat
 * routes, as in its plan, without building and copying the whole plan (the push path's largest CPU
 * cost in Gantry's own code). Throws `UnknownServiceError` like `planFor`.
 */
export function pushTargetFor(
  config: GantryConfig,
  serviceName: string,
): Pick<PipelinePlan, 'service' | 'chat'> {
  const found = findService(config, serviceName);
  if (!found) throw new UnknownServiceError(serviceName);
  const [service, s] = found;
  const routes = s.notifications.routes;
  return { service, ...(routes.length > 0 && { chat: structuredClone(routes) }) };
}

/** The resolved plan of one service; throws `UnknownServiceError` for a name not in the file. */
export function planFor(config: GantryConfig, serviceName: string): PipelinePlan {
  const found = findService(config, serviceName);
  if (!found) throw new UnknownServiceError(serviceName);
  const [service, s] = found;
  const { canary, verification, production, staging } = s;
  const gitRepository = s.gates.ciStatus?.repository ?? staging.tests[0]?.repository;
  const clusterLabel = clusterLabelOf(s);
  // A copy: plans travel into orchestration inputs and must never alias the loaded configuration.
  const plan: PipelinePlan = {
    service,
    gates: gateSpecs(s.gates),
    staging: {
      argoApp: staging.application,
      ...(staging.namespace !== undefined && { namespace: staging.namespace }),
      image: staging.image,
      syncTimeout: staging.syncTimeout,
      smoke: staging.smoke,
      tests: staging.tests,
    },
    production: {
      subscriptionId: production.subscriptionId,
      resourceGroup: production.resourceGroup,
      cluster: production.cluster,
      namespace: production.namespace,
      deployment: production.deployment,
      canaryDeployment: production.canaryDeployment,
      router: production.router,
      argoApp: production.application,
      image: production.image,
    },
    canary: canaryPlan(canary, clusterLabel),
    verification: {
      window: verification.window,
      interval: verification.interval,
      rules: verification.rules.map((rule) => ({
        name: rule.name,
        metric: metricCheck(rule, canary.provider, clusterLabel),
        for: rule.for,
      })),
      crashLoops: verification.crashLoops,
      ...(verification.health && { health: verification.health }),
      minRequests: verification.minRequests,
    },
    approval: s.approval,
    freezes: s.freezes,
    ...(s.alertRouting && { alertRouting: s.alertRouting }),
    holds: s.holds,
    provenance: {
      registry: s.image.registry,
      repository: s.image.repository,
      commitTag: s.image.commitTag,
      ...(gitRepository !== undefined && { gitRepository }),
    },
    ...(s.notifications.routes.length > 0 && { chat: s.notifications.routes }),
  };
  return structuredClone<PipelinePlan>({
    ...plan,
    ...ringsPlan(s, plan.production, plan.canary, plan.verification),
  });
}

const compiled = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) compiled.set(source, (re = new RegExp(source)));
  return re;
}

/** Whether a tag passes a service's filters. A digest-only push (no tag) cannot satisfy `include`. */
function tagMatches(filter: ServiceConfig['image']['tagPattern'], tag: string | undefined): boolean {
  if (filter?.include !== undefined && (tag === undefined || !pattern(filter.include).test(tag)))
    return false;
  return !(filter?.exclude !== undefined && tag !== undefined && pattern(filter.exclude).test(tag));
}

/**
 * The name of the service whose `image` matches a pushed image, first in file order, or undefined.
 * Registry hosts compare case-insensitively; repositories are lowercase by grammar and compare exactly.
 */
export function serviceForImage(
  config: GantryConfig,
  registry: string,
  repository: string,
  tag?: string,
): string | undefined {
  const host = registry.toLowerCase();
  for (const [name, service] of Object.entries(config.services)) {
    const { image } = service;
    if (
      image.registry.toLowerCase() === host &&
      image.repository === repository &&
      tagMatches(image.tagPattern, tag)
    ) {
      return name;
    }
  }
  return undefined;
}

/**
 * Whether the service is configured with this registry and repository, tags aside: the match a manual
 * submission must pass (it names its service, and may deploy a tag the push filter would skip).
 */
export function servesRepository(
  config: GantryConfig,
  service: string,
  registry: string,
  repository: string,
): boolean {
  const entry = Object.entries(config.services).find(
    ([name]) => name.toLowerCase() === service.toLowerCase(),
  );
  const image = entry?.[1].image;
  return (
    !!image && image.registry.toLowerCase() === registry.toLowerCase() && image.repository === repository
  );
}

/** Service names in file order. */
export function serviceNames(config: GantryConfig): string[] {
  return Object.keys(config.services);
}
