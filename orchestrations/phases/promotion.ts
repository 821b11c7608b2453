import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import { call, type Flow } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';
import { clusterTarget, rollbackCanary } from './canary.js';
import { syncApp } from './staging.js';

/**
 * Promotion through GitOps: the production Argo CD application gets the image and syncs (the primary
 * rolls with maxSurge 25% / maxUnavailable 0); once healthy the canary is drained and scaled down.
 */
export function* promotionPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'promotion', 6);
  const prod = p.run.plan.production;
  p.status({ waitingFor: `sync of ${prod.argoApp}`, weight: p.run.deployment.weight });
  const outcome = yield* syncApp(p, prod.argoApp, prod.image, p.run.plan.staging.syncTimeout);
  if (outcome.kind !== 'healthy') {
    const reason = outcome.kind === 'failed' ? outcome.reason : `${outcome.kind} by ${outcome.payload.actor}`;
    yield* call(ctx, Activities.rollbackApp, { app: prod.argoApp });
    yield* rollbackCanary(p, `promotion stopped: ${reason}`);
    return outcome.kind === 'failed' ? { outcome: 'rolled-back', reason } : interrupted(outcome);
  }
  yield* p.rec.note('action', `synced:${prod.argoApp}`, { verdict: 'pass', evidence: { ...outcome.state } });
  const target = clusterTarget(prod);
  yield* call(ctx, Activities.setWeight, { target, router: prod.router, weight: 0 });
  yield* call(ctx, Activities.scale, { target, deployment: prod.canaryDeployment, replicas: 0 });
  yield* p.rec.weight(0, 'promoted: primary serves the new image');
  return { outcome: 'passed', weight: 0 };
}
