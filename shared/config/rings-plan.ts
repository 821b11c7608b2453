import type { CanarySpec, PipelinePlan, ProductionTarget, RingSpec } from '../contracts/plan.js';
import { DEFAULT_SOAK } from './defaults.js';
import type { ServiceConfig } from './schema.js';

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
