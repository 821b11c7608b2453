import type { ProductionTarget } from '../contracts/plan.js';

/**
 * The variables a metric template of one production target renders with (promql.ts): the canary
 * phase, the verification window and a backtest must agree, or a template using `{{ cluster }}` would
 * work in one and fail to render in another.
 */
export function metricVariables(service: string, prod: ProductionTarget): Record<string, string> {
  return {
    namespace: prod.namespace,
    target: prod.deployment,
    canary: prod.canaryDeployment,
    service,
    cluster: prod.cluster,
  };
}
