import { Activities } from '../../shared/contracts/activities.js';
import type { ProductionTarget } from '../../shared/contracts/plan.js';
import type { ClusterTarget } from '../../shared/ports/cluster.js';
import { call, type Flow } from '../lib/flow.js';
import type { PhaseScope } from '../lib/phase.js';

export const clusterTarget = (prod: ProductionTarget): ClusterTarget => ({
  subscriptionId: prod.subscriptionId,
  resourceGroup: prod.resourceGroup,
  cluster: prod.cluster,
  namespace: prod.namespace,
});

/** Takes all traffic off the canary and scales it to zero. */
export function* rollbackCanary(p: PhaseScope, reason: string): Flow<void> {
  const prod = p.run.plan.production;
  const target = clusterTarget(prod);
  yield* call(p.ctx, Activities.setWeight, { target, router: prod.router, weight: 0 });
  yield* call(p.ctx, Activities.scale, { target, deployment: prod.canaryDeployment, replicas: 0 });
  yield* p.rec.weight(0, `rollback: ${reason}`);
}
