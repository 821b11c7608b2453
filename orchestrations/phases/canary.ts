import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { ProductionTarget } from '../../shared/contracts/plan.js';
import type { ClusterTarget } from '../../shared/ports/cluster.js';
import { call, nowIso, type Flow, type Interrupt } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

export const READY_POLL_MS = 10_000;
export const READY_TIMEOUT_MS = 10 * 60_000;

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

/**
 * Canary: new image on the canary Deployment, then each traffic step for its duration with an analysis
 * every interval. Failed checks are counted cumulatively (Flagger's threshold semantics); reaching the
 * threshold, or an abort/cancel after traffic moved, rolls back.
 */
export function* canaryPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'canary', 5, { skipAnalysis: true });
  const { deployment, plan } = p.run;
  const prod = plan.production;
  const target = clusterTarget(prod);
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
  return yield* steps(p, target);
}

function* steps(p: PhaseScope, target: ClusterTarget): Flow<PhaseResult> {
  const { ctx } = p;
  const { deployment, plan } = p.run;
  const { canary, production: prod } = plan;
  let failed = 0;
  let weight = 0;
  for (const [index, step] of canary.steps.entries()) {
    weight = yield* call(ctx, Activities.setWeight, { target, router: prod.router, weight: step.weight });
    yield* p.rec.weight(weight, `step ${index + 1}/${canary.steps.length}`);
    const checks = Math.max(1, Math.round(step.duration / canary.interval));
    for (let check = 1; check <= checks; check++) {
      p.status({
        step: `${index + 1}/${canary.steps.length} check ${check}/${checks}`,
        weight,
        failedChecks: failed,
        waitingFor: 'next analysis',
      });
      const interrupt = yield* p.interrupts.sleep(canary.interval);
      if (interrupt?.kind === 'skipAnalysis') {
        yield* p.rec.note('decision', 'skip-analysis', {
          actor: interrupt.payload.actor,
          comment: interrupt.payload.reason,
        });
        return { outcome: 'passed', weight, detail: 'analysis skipped' };
      }
      if (interrupt) {
        yield* rollbackCanary(
          p,
          `${interrupt.kind} by ${interrupt.payload.actor}: ${interrupt.payload.reason}`,
        );
        return interrupted(interrupt, weight);
      }
      const variables = {
        namespace: prod.namespace,
        target: prod.deployment,
        canary: prod.canaryDeployment,
        service: deployment.service,
      };
      const verdicts = yield* call(ctx, Activities.analyse, {
        metrics: canary.metrics,
        variables,
        at: nowIso(ctx),
        router: prod.router,
      });
      yield* p.rec.notes(
        verdicts.map((v) => ({
          kind: 'check' as const,
          title: `check:${v.name}`,
          verdict: v.verdict,
          evidence: { ...v, weight },
        })),
      );
      if (verdicts.some((v) => v.verdict === 'fail')) failed++;
      if (failed >= canary.threshold) {
        const reason = `${failed} failed checks reached the threshold of ${canary.threshold} at ${weight}%`;
        yield* rollbackCanary(p, reason);
        return { outcome: 'rolled-back', reason };
      }
    }
  }
  return { outcome: 'passed', weight };
}
