import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { ClusterTarget } from '../../shared/ports/cluster.js';
import { call, type Flow, type Interrupt } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';
import { analyseSteps } from './canary-analysis.js';
import { clusterTarget, rollbackCanary } from './traffic.js';

export const READY_POLL_MS = 10_000;
export const READY_TIMEOUT_MS = 10 * 60_000;

function* canaryReady(p: PhaseScope, target: ClusterTarget): Flow<string | Interrupt | undefined> {
  const prod = p.run.plan.production;
  const deadline = p.ctx.df.currentUtcDateTime.getTime() + READY_TIMEOUT_MS;
  for (;;) {
    const state = yield* call(p.ctx, Activities.rollout, { target, deployment: prod.canaryDeployment });
    if (state.crashLooping.length > 0) return `canary pods crash-looping: ${state.crashLooping.join(', ')}`;
    if (state.phase === 'failed')
      return `canary rollout failed: ${state.message ?? 'progress deadline exceeded'}`;
    if (state.phase === 'complete' && state.ready) return undefined;
    if (p.ctx.df.currentUtcDateTime.getTime() >= deadline) return 'canary not ready within 10 minutes';
    const interrupt = yield* p.interrupts.sleep(READY_POLL_MS);
    if (interrupt) return interrupt;
  }
}

function* skippedAtStart(p: PhaseScope, skip: Interrupt): Flow<PhaseResult> {
  yield* p.rec.note('decision', 'skip-analysis', { actor: skip.payload.actor, comment: skip.payload.reason });
  return { outcome: 'passed', weight: 0, detail: 'analysis skipped' };
}

/**
 * Canary: new image on the canary Deployment, ready pods, then the traffic steps with an analysis every
 * interval (`canary-analysis.ts`); a rollback, or an abort/cancel after traffic moved, takes traffic back.
 */
export function* canaryPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'canary', 5, { skipAnalysis: true });
  const { deployment, plan } = p.run;
  const prod = plan.production;
  const target = clusterTarget(prod);
  const early = yield* p.begin();
  // Nothing has moved yet: skip-analysis goes straight to promotion, cancel and abort just stop.
  if (early?.kind === 'skipAnalysis') return yield* skippedAtStart(p, early);
  if (early) return interrupted(early);
  if (plan.canary.ignored?.length)
    yield* p.rec.note('note', 'analysis:ignored-fields', {
      verdict: 'warn',
      comment: `Flagger fields accepted but not acted on: ${plan.canary.ignored.join(', ')}`,
    });
  yield* call(ctx, Activities.setImage, {
    target,
    deployment: prod.canaryDeployment,
    image: deployment.image,
  });
  yield* call(ctx, Activities.scale, { target, deployment: prod.canaryDeployment, replicas: 1 });
  p.status({ waitingFor: 'canary pods ready', weight: 0 });
  const notReady = yield* canaryReady(p, target);
  if (typeof notReady === 'string') {
    yield* rollbackCanary(p, notReady);
    return { outcome: 'failed', reason: notReady };
  }
  if (notReady) return interrupted(notReady);
  return yield* analyseSteps(p, target);
}
