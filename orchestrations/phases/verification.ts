import { metricVariables } from '../../shared/analysis/variables.js';
import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import { judgeRound, verifyEntryCount } from '../../shared/analysis/verification.js';
import { DEFAULT_MIN_REQUESTS } from '../../shared/analysis/judge.js';
import { call, nowIso, type Flow, type Interrupt } from '../lib/flow.js';
import { finishRelease } from '../lib/release.js';
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
    // One activity measures, watches the pods and records the round; the same pure judgeRound decides here.
    const at = nowIso(ctx);
    const round = yield* call(ctx, Activities.verifyRound, {
      analyse: {
        metrics: verification.rules.map((r) => ({ ...r.metric, name: r.name })),
        variables: metricVariables(deployment.service, prod),
        at,
        router: prod.router,
        side: 'primary',
        minRequests: verification.minRequests ?? DEFAULT_MIN_REQUESTS,
      },
      ...(watchPods && { pods: { target: clusterTarget(prod), deployment: prod.deployment } }),
      spec: verification,
      since,
      record: {
        deploymentId: deployment.id,
        service: deployment.service,
        ...p.rec.reserve(verifyEntryCount(verification, watchPods)),
      },
    });
    measured ||= round.checks.some((c) => c.error !== true);
    const tracked = judgeRound(verification, round.checks, round.pods, since, Date.parse(at));
    since = tracked.since;
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
    // A ring of several targets releases once all their windows passed: it needs to know this one's.
    return { outcome: 'passed', ...(!measured && { detail: 'unverified' }) };
  }
  const end = yield* finishRelease(ctx, p.rec, deployment, measured);
  if ('late' in end) return yield* rollbackRelease(p, interruptReason(end.late), end.late);
  return { outcome: 'passed', ...end };
}

const interruptReason = (i: Interrupt): string => `${i.kind} by ${i.payload.actor}: ${i.payload.reason}`;

/** Production goes back to the last known good image: the pipeline does that for every stopped run. */
function* rollbackRelease(p: PhaseScope, reason: string, interrupt?: Interrupt): Flow<PhaseResult> {
  yield* p.rec.note('decision', 'verification:stopped', { verdict: 'fail', comment: reason });
  return interrupt ? interrupted(interrupt) : { outcome: 'rolled-back', reason };
}
