import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import { call, nowIso, type Flow } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

/**
 * Post-deploy watch: every interval, each rule's metric is checked; a rule that stays out of bounds for
 * its `for` duration rolls production back through GitOps to the last known good release. A clean window
 * records this release as the new last known good.
 */
export function* verificationPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'verification', 7);
  const { deployment, plan } = p.run;
  const { verification, production: prod } = plan;
  const end = ctx.df.currentUtcDateTime.getTime() + verification.window;
  const breachedSince = new Map<string, number>();
  while (ctx.df.currentUtcDateTime.getTime() < end) {
    p.status({ waitingFor: 'verification window', step: `until ${new Date(end).toISOString()}` });
    const interrupt = yield* p.interrupts.sleep(verification.interval);
    if (interrupt)
      return yield* rollbackRelease(
        p,
        `${interrupt.kind} by ${interrupt.payload.actor}: ${interrupt.payload.reason}`,
        interrupt,
      );
    const now = ctx.df.currentUtcDateTime.getTime();
    const variables = {
      namespace: prod.namespace,
      target: prod.deployment,
      canary: prod.canaryDeployment,
      service: deployment.service,
    };
    const verdicts = yield* call(ctx, Activities.analyse, {
      metrics: verification.rules.map((r) => r.metric),
      variables,
      at: nowIso(ctx),
      router: prod.router,
      side: 'primary',
    });
    const judged = verification.rules.map((rule, i) => {
      const v = verdicts[i];
      if (v?.verdict === 'fail') breachedSince.set(rule.name, breachedSince.get(rule.name) ?? now);
      else breachedSince.delete(rule.name);
      const since = breachedSince.get(rule.name);
      return { rule, v, breachedForMs: since === undefined ? 0 : now - since };
    });
    yield* p.rec.notes(
      judged.map(({ rule, v, breachedForMs }) => ({
        kind: 'check' as const,
        title: `verify:${rule.name}`,
        verdict: v?.verdict ?? 'inconclusive',
        evidence: { ...v, breachedForMs },
      })),
    );
    const sustained = judged.find(
      ({ rule, v, breachedForMs }) => v?.verdict === 'fail' && breachedForMs >= rule.for,
    );
    if (sustained) {
      return yield* rollbackRelease(
        p,
        `${sustained.rule.name} out of bounds for ${Math.round(sustained.breachedForMs / 1000)}s`,
      );
    }
  }
  yield* call(ctx, Activities.recordRelease, {
    service: deployment.service,
    environment: 'production',
    deploymentId: deployment.id,
    image: deployment.image,
    releasedAt: nowIso(ctx),
  });
  yield* p.rec.note('decision', 'release:last-known-good', { verdict: 'pass' });
  return { outcome: 'passed' };
}

function* rollbackRelease(
  p: PhaseScope,
  reason: string,
  interrupt?: Parameters<typeof interrupted>[0],
): Flow<PhaseResult> {
  const { ctx } = p;
  const { deployment, plan } = p.run;
  const prod = plan.production;
  const good = yield* call(ctx, Activities.lastKnownGood, {
    service: deployment.service,
    environment: 'production',
  });
  if (good)
    yield* call(ctx, Activities.deployImage, { app: prod.argoApp, binding: prod.image, image: good.image });
  else yield* call(ctx, Activities.rollbackApp, { app: prod.argoApp });
  yield* p.rec.note('action', 'rollback:production', {
    comment: reason,
    evidence: good
      ? { to: good.deploymentId, digest: good.image.digest }
      : { to: 'previous Argo CD history entry' },
  });
  return interrupt ? interrupted(interrupt) : { outcome: 'rolled-back', reason };
}
