import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import { observe, track } from '../../shared/analysis/verification.js';
import { DEFAULT_MIN_REQUESTS } from '../../shared/analysis/judge.js';
import { call, firstStored, nowIso, type Flow, type Interrupt } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';
import { clusterTarget } from './traffic.js';

/**
 * Post-deploy watch: every interval, each rule's metric is checked on the primary, and its pods are
 * inspected; a rule out of bounds for its `for` duration, or a crash loop, rolls production back through
 * GitOps to the last known good release. A clean window records this release as the last known good.
 */
export function* verificationPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'verification', 7);
  const early = yield* p.begin();
  if (early) return yield* rollbackRelease(p, interruptReason(early), early);
  const { deployment, plan } = p.run;
  const { verification, production: prod } = plan;
  const end = ctx.df.currentUtcDateTime.getTime() + verification.window;
  let since: Record<string, number> = {};
  // Whether any rule was ever measured: a window of provider errors proves nothing about the release.
  let measured = verification.rules.length === 0;
  const watchPods = verification.crashLoops !== false || verification.health !== undefined;
  while (ctx.df.currentUtcDateTime.getTime() < end) {
    p.status({ waitingFor: 'verification window', step: `until ${new Date(end).toISOString()}` });
    const interrupt = yield* p.interrupts.sleep(verification.interval);
    if (interrupt) return yield* rollbackRelease(p, interruptReason(interrupt), interrupt);
    const checks = yield* call(ctx, Activities.analyse, {
      metrics: verification.rules.map((r) => ({ ...r.metric, name: r.name })),
      variables: {
        namespace: prod.namespace,
        target: prod.deployment,
        canary: prod.canaryDeployment,
        service: deployment.service,
        cluster: prod.cluster,
      },
      at: nowIso(ctx),
      router: prod.router,
      side: 'primary',
      minRequests: verification.minRequests ?? DEFAULT_MIN_REQUESTS,
    });
    measured ||= checks.some((c) => c.error !== true);
    const pods = watchPods
      ? yield* call(ctx, Activities.rollout, { target: clusterTarget(prod), deployment: prod.deployment })
      : undefined;
    const observed = observe(verification, checks, pods);
    const podsBreached = observed.some(
      (o) => o.breached && (o.name === 'crash-loops' || o.name === 'health'),
    );
    const tracked = track(since, observed, ctx.df.currentUtcDateTime.getTime());
    since = tracked.since;
    yield* p.rec.notes([
      ...checks.map((c) => ({
        kind: 'check' as const,
        title: `verify:${c.name}`,
        verdict: c.verdict,
        evidence: { ...c, breachedForMs: tracked.durations[c.name] ?? 0 },
      })),
      ...(pods
        ? [
            {
              kind: 'check' as const,
              title: 'verify:pods',
              // No pods reported is no evidence of health: inconclusive, not pass (the rollback rule is unchanged).
              verdict: podsBreached ? 'fail' : pods.replicas === 0 ? 'inconclusive' : 'pass',
              evidence: { ...pods, breachedForMs: tracked.durations.health ?? 0 },
            } as const,
          ]
        : []),
    ]);
    if (tracked.sustained) {
      const { name, breachedForMs, reason } = tracked.sustained;
      return yield* rollbackRelease(
        p,
        `${name} out of bounds for ${Math.round(breachedForMs / 1000)}s: ${reason}`,
      );
    }
  }
  return yield* release(p, measured);
}

/** Records the release as last known good, unless an interrupt came first or nothing was measured. */
function* release(p: PhaseScope, measured: boolean): Flow<PhaseResult> {
  const { ctx } = p;
  const { deployment, train } = p.run;
  // A ring before the last one of a train: the run goes on, so it is neither finished nor released yet.
  if (train && !train.last) {
    yield* p.rec.note('decision', `ring:${train.ring}:verified`, { verdict: measured ? 'pass' : 'warn' });
    return { outcome: 'passed' };
  }
  // The last moment an interrupt can still be accepted: after this claim the API answers 409.
  const late = firstStored(
    yield* call(ctx, Activities.claimFinish, { service: deployment.service, deploymentId: deployment.id }),
  );
  if (late) return yield* rollbackRelease(p, interruptReason(late), late);
  if (!measured) {
    yield* p.rec.note(
      'decision',
      'release:unverified',
      {
        verdict: 'warn',
        comment:
          'no verification rule could be measured in the window (metrics provider errors): production ' +
          'keeps this image, but it is not recorded as last known good',
      },
      { notify: 'incident' },
    );
    return { outcome: 'passed', detail: 'unverified' };
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

const interruptReason = (i: Interrupt): string => `${i.kind} by ${i.payload.actor}: ${i.payload.reason}`;

/** Production goes back to the last known good image: the pipeline does that for every stopped run. */
function* rollbackRelease(p: PhaseScope, reason: string, interrupt?: Interrupt): Flow<PhaseResult> {
  yield* p.rec.note('decision', 'verification:stopped', { verdict: 'fail', comment: reason });
  return interrupt ? interrupted(interrupt) : { outcome: 'rolled-back', reason };
}
