import type { CanarySpec, PipelinePlan, ProductionTarget, RingSpec } from '../contracts/plan.js';
import { DEFAULT_SOAK } from './defaults.js';
import type { ServiceConfig } from './schema.js';

/** The label a multi-cluster train's built-in templates match the cluster with, unless configured. */
export const DEFAULT_CLUSTER_LABEL = 'cluster';

/**
 * The Prometheus label the built-in templates match the target's cluster on, or undefined for none:
 * `canary.provider.clusterLabel` when set (`false`: none); otherwise `cluster` when the service's rings
 * span more than one cluster. Gantry reads one Prometheus, so such a train's clusters all report there,
 * and without a matcher a later ring would be judged on every cluster's traffic. A single cluster keeps
 * today's selectors: its Prometheus usually has no such label, and a matcher would find no data.
 * Application Insights (KQL) has no label matchers.
 */
export function clusterLabelOf(s: ServiceConfig): string | undefined {
  if (s.canary.provider) return undefined;
  if (s.canary.clusterLabel !== undefined) return s.canary.clusterLabel || undefined;
  const clusters = new Set([
    s.production.cluster,
    ...(s.production.rings ?? []).flatMap((r) => (r.targets ?? []).map((t) => t.cluster)),
  ]);
  clusters.delete(undefined);
  return clusters.size > 1 ? DEFAULT_CLUSTER_LABEL : undefined;
}

/**
 * The train part of a plan: ring 0 is the production target with the service's canary and
 * verification; a later ring's targets are its overrides over the production block, its canary is its
 * own steps, `rollout` (none), or by default the service canary's first step only (shorter), with the
 * service's metrics; its verification is the service's, with the ring's window when it sets one.
 */
export function ringsPlan(
  s: ServiceConfig,
  production: ProductionTarget,
  canary: CanarySpec,
  verification: PipelinePlan['verification'],
): Pick<PipelinePlan, 'rings' | 'onRingFailure'> {
  const configured = s.production.rings;
  if (!configured) return {};
  const rings = configured.map((ring, index): RingSpec => {
    const targets: ProductionTarget[] =
      index === 0 || !ring.targets
        ? [production]
        : ring.targets.map((t) => ({
            ...production,
            ...(t.subscriptionId !== undefined && { subscriptionId: t.subscriptionId }),
            ...(t.resourceGroup !== undefined && { resourceGroup: t.resourceGroup }),
            ...(t.cluster !== undefined && { cluster: t.cluster }),
            ...(t.namespace !== undefined && { namespace: t.namespace }),
            argoApp: t.application,
          }));
    const ringCanary: CanarySpec | undefined =
      index === 0
        ? canary
        : ring.canary === 'rollout'
          ? undefined
          : { ...canary, steps: ring.canary?.steps ?? canary.steps.slice(0, 1) };
    return {
      name: ring.name,
      ...(ring.region !== undefined && { region: ring.region }),
      targets,
      ...(ringCanary && { canary: ringCanary }),
      verification:
        ring.verificationWindow !== undefined
          ? { ...verification, window: ring.verificationWindow }
          : verification,
      soak: index === 0 ? 0 : (ring.soak ?? DEFAULT_SOAK),
      freezes: ring.freezes,
      ...(index > 0 && ring.approval !== false && { approval: ring.approval === true ? {} : ring.approval }),
    };
  });
  return { rings, onRingFailure: s.production.onRingFailure };
}
