import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { ClusterTarget } from '../../shared/ports/cluster.js';
import { call, type Flow, type Interrupt } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';
import { clusterTarget, rollbackCanary } from './traffic.js';
import { syncApp } from './staging.js';

/**
 * Promotion through GitOps: the production Argo CD application gets the image and syncs (the primary
 * rolls with maxSurge 25% / maxUnavailable 0); once healthy the canary is drained and scaled down.
 */
export function* promotionPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'promotion', 6);
  const prod = p.run.plan.production;
  const early = yield* p.begin();
  if (early) {
    // The canary passed and still carries its last weight: take it back before stopping.
    yield* rollbackCanary(p, `promotion stopped: ${early.kind} by ${early.payload.actor}`);
    return interrupted(early);
  }
  p.status({ waitingFor: `sync of ${prod.argoApp}`, weight: p.run.deployment.weight });
  const outcome = yield* syncApp(p, prod.argoApp, prod.image, p.run.plan.staging.syncTimeout);
  if (outcome.kind !== 'healthy') {
    const reason = outcome.kind === 'failed' ? outcome.reason : `${outcome.kind} by ${outcome.payload.actor}`;
    if (outcome.kind === 'failed')
      yield* p.rec.note('action', `sync-failed:${prod.argoApp}`, { verdict: 'fail', comment: reason });
    // Traffic first; the pipeline then points the application back at the last known good image.
    yield* rollbackCanary(p, `promotion stopped: ${reason}`);
    return outcome.kind === 'failed' ? { outcome: 'rolled-back', reason } : interrupted(outcome);
  }
  const target = clusterTarget(prod);
  const drained = yield* drain(p, target);
  if (drained) {
    yield* rollbackCanary(p, `promotion stopped: ${drained.kind} by ${drained.payload.actor}`);
    return interrupted(drained);
  }
  // The weight change is recorded by the activity that makes it (one activity fewer); then scale-down.
  yield* p.rec.setWeight(target, prod.router, 0, 'promoted: primary serves the new image');
  yield* call(ctx, Activities.scale, { target, deployment: prod.canaryDeployment, replicas: 0 });
  return { outcome: 'passed', weight: 0 };
}

/**
 * Flagger's `stepWeightPromotion`: the promoted primary takes the canary's traffic back in steps of
 * `promotionStepWeight` percent, one analysis interval apart, instead of all at once.
 */
function* drain(p: PhaseScope, target: ClusterTarget): Flow<Interrupt | undefined> {
  const { canary, production: prod } = p.run.plan;
  const step = canary.promotionStepWeight;
  if (!step) return undefined;
  for (let weight = p.run.deployment.weight - step; weight > 0; weight -= step) {
    const set = yield* call(p.ctx, Activities.setWeight, { target, router: prod.router, weight });
    yield* p.rec.weight(set, `promotion: canary drained to ${set}%`);
    p.status({ waitingFor: 'promotion step', weight: set });
    const interrupt = yield* p.interrupts.sleep(canary.interval);
    if (interrupt) return interrupt;
  }
  return undefined;
}
