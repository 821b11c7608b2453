import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { ProductionTarget } from '../../shared/contracts/plan.js';
import { clusterTarget } from '../phases/traffic.js';
import { call, type Flow } from './flow.js';
import type { Recorder } from './recorder.js';

/**
 * Best effort after a ring's phase threw or stopped early: weight 0 and the canary scaled down on each
 * of `targets` (a target that cannot be reached is recorded, and the others are still drained).
 */
export function* drainTargets(
  ctx: OrchestrationContext,
  targets: readonly ProductionTarget[],
  rec: Recorder,
  reason: string,
): Flow<void> {
  if (targets.length === 0) return;
  for (const prod of targets) {
    const target = clusterTarget(prod);
    try {
      yield* call(ctx, Activities.setWeight, { target, router: prod.router, weight: 0 });
      yield* call(ctx, Activities.scale, { target, deployment: prod.canaryDeployment, replicas: 0 });
    } catch (error) {
      const comment = `${prod.argoApp}: ${error instanceof Error ? error.message : String(error)}`;
      yield* rec.note('action', 'rollback:failed', { verdict: 'fail', comment });
    }
  }
  yield* rec.weight(0, `rollback after failure: ${reason}`);
}
