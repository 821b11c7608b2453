import { metricVariables } from '../../shared/analysis/variables.js';
import { Activities } from '../../shared/contracts/activities.js';
import { Events } from '../../shared/contracts/events.js';
import { entryCount, intervalDecision } from '../../shared/analysis/entries.js';
import type { CheckEvidence } from '../../shared/analysis/judge.js';
import {
  afterResume,
  checksForStep,
  classifyInterval,
  EMPTY_TALLY,
  limitsOf,
  type Decision,
  type Limits,
  type Tally,
} from '../../shared/analysis/limits.js';
import { driftAction, driftOf } from '../../shared/analysis/drift.js';
import type { ClusterTarget } from '../../shared/ports/cluster.js';
import { call, nowIso, type Flow, type Interrupt } from '../lib/flow.js';
import { interrupted, type PhaseResult, type PhaseScope } from '../lib/phase.js';
import { rollbackCanary } from './traffic.js';

/** What a wait inside the analysis ended with, when it did not simply run out. */
type Stop = { kind: 'interrupt'; interrupt: Interrupt } | { kind: 'fail-fast'; reason: string };

/**
 * One analysis round. The activity also writes the round's timeline entries, at seqs reserved here
 * (deterministic), and for an interval round (`judge`) the `analysis:<action>` decision after them.
 */
function* checks(
  p: PhaseScope,
  mode: 'interval' | 'fast',
  weight: number,
  judge?: { limits: Limits; tally: Tally },
): Flow<CheckEvidence[]> {
  const { deployment, plan } = p.run;
  const { canary, production: prod } = plan;
  return yield* call(p.ctx, Activities.analyse, {
    metrics: canary.metrics,
    variables: metricVariables(deployment.service, prod),
    at: nowIso(p.ctx),
    router: prod.router,
    mode,
    minRequests: limitsOf(canary).minRequests,
    ...(canary.alerts && { alerts: canary.alerts }),
    ...(canary.baseline && mode === 'interval' && { baseline: canary.baseline }),
    record: {
      deploymentId: deployment.id,
      service: deployment.service,
      weight,
      ...p.rec.reserve(entryCount(canary, mode) + (judge ? 1 : 0)),
      ...(judge && { decision: judge }),
    },
  });
}

/**
 * Waits one analysis interval. Inside it, when the spec has hard bounds or alerts and a fast-check
 * cadence, those are checked every `fastCheckInterval`: a breach ends the wait at once instead of at the
 * end of the interval, let alone after `threshold` intervals.
 */
function* waitInterval(p: PhaseScope, weight: number): Flow<Stop | undefined> {
  const { canary } = p.run.plan;
  const hasFast = canary.alerts !== undefined || canary.metrics.some((m) => m.failFast);
  const cadence = hasFast && canary.fastCheckInterval ? canary.fastCheckInterval : canary.interval;
  for (let waited = 0; waited < canary.interval;) {
    const slice = Math.min(cadence, canary.interval - waited);
    const interrupt = yield* p.interrupts.sleep(slice);
    if (interrupt) return { kind: 'interrupt', interrupt };
    waited += slice;
    if (waited >= canary.interval) break;
    const found = yield* checks(p, 'fast', weight);
    const verdict = classifyInterval(found);
    if (verdict.outcome === 'abort') return { kind: 'fail-fast', reason: `fail-fast: ${verdict.reason}` };
  }
  return undefined;
}

type Pause = Extract<Decision, { action: 'pause' }>;

/**
 * Paused for an operator: resume, skip-analysis, abort or cancel. A pause caused by provider errors
 * takes the traffic back to the primary unless the spec says `onProviderOutage: hold` (nobody can judge
 * the canary meanwhile); the canary stays up for inspection and resume restores the step's weight.
 */
function* pause(
  p: PhaseScope,
  target: ClusterTarget,
  decision: Pause,
  weight: number,
): Flow<{ interrupt?: Interrupt; weight: number }> {
  const { canary, production: prod } = p.run.plan;
  const policy = canary.onProviderOutage ?? 'pause-at-zero';
  // Drift means Gantry does not know what the canary serves: no traffic until an operator looked.
  const atZero =
    weight > 0 &&
    ((decision.cause === 'provider-errors' && policy === 'pause-at-zero') || decision.cause === 'drift');
  if (atZero) {
    yield* p.rec.setWeight(
      target,
      prod.router,
      0,
      'provider outage: traffic back on the primary, canary kept for inspection',
    );
  }
  const held = atZero ? 0 : weight;
  const { tally } = decision;
  yield* p.rec.note(
    'decision',
    'analysis:paused',
    {
      verdict: 'inconclusive',
      comment: decision.reason,
      evidence: {
        ...tally,
        weight: held,
        stepWeight: weight,
        ...(decision.cause === 'provider-errors' && { onProviderOutage: policy }),
      },
    },
    { notify: 'incident' },
  );
  p.status({
    weight: held,
    paused: true,
    waitingFor: `operator (paused: ${decision.reason})`,
    failedChecks: tally.failed,
  });
  const resumed = yield* p.interrupts.race<{ actor: string; reason: string }>(
    p.ctx.df.waitForExternalEvent(Events.resume.name),
  );
  if (resumed.kind !== 'done')
    return { interrupt: resumed.kind === 'timeout' ? undefined : resumed, weight: held };
  yield* p.rec.note('decision', 'analysis:resumed', {
    actor: resumed.value.actor,
    comment: resumed.value.reason,
  });
  if (atZero) {
    yield* p.rec.setWeight(target, prod.router, weight, "resumed: the step's weight is back on the canary");
  }
  return { weight };
}

/** Before a step: the router's weight and the canary's readiness as the cluster has them now. */
function* checkDrift(
  p: PhaseScope,
  target: ClusterTarget,
  weight: number,
  tally: Pause['tally'],
): Flow<Interrupt | undefined> {
  const { canary, production: prod } = p.run.plan;
  const observed = yield* call(p.ctx, Activities.observeCanary, {
    target,
    router: prod.router,
    deployment: prod.canaryDeployment,
  });
  const finding = driftOf(weight, observed);
  if (!finding) return undefined;
  const policy = canary.onDrift ?? 'correct';
  const action = driftAction(finding, policy);
  const { ready, readyReplicas, replicas } = observed.rollout;
  yield* p.rec.note('check', `drift:${finding.kind}`, {
    verdict: 'warn',
    comment: `${finding.reason} (${action === 'correct' ? 'corrected by the next step' : 'paused'})`,
    evidence: { expected: weight, actual: observed.weight, ready, readyReplicas, replicas, onDrift: policy },
  });
  if (action === 'correct') return undefined;
  const paused = yield* pause(
    p,
    target,
    { action: 'pause', tally, reason: finding.reason, cause: 'drift' },
    weight,
  );
  return paused.interrupt;
}

function* stopped(p: PhaseScope, interrupt: Interrupt, weight: number): Flow<PhaseResult> {
  if (interrupt.kind === 'skipAnalysis') {
    yield* p.rec.note('decision', 'skip-analysis', {
      actor: interrupt.payload.actor,
      comment: interrupt.payload.reason,
    });
    return { outcome: 'passed', weight, detail: 'analysis skipped' };
  }
  yield* rollbackCanary(p, `${interrupt.kind} by ${interrupt.payload.actor}: ${interrupt.payload.reason}`);
  return interrupted(interrupt, weight);
}

function* rolledBack(p: PhaseScope, reason: string): Flow<PhaseResult> {
  yield* rollbackCanary(p, reason);
  return { outcome: 'rolled-back', reason };
}

/**
 * The traffic steps. Each step needs its number of passing intervals; failed, inconclusive and errored
 * intervals hold the weight (see `shared/analysis/limits.ts` for what each one counts towards).
 */
export function* analyseSteps(p: PhaseScope, target: ClusterTarget): Flow<PhaseResult> {
  const { canary, production: prod } = p.run.plan;
  const limits = limitsOf(canary);
  let tally = EMPTY_TALLY;
  let weight = 0;
  for (const [index, step] of canary.steps.entries()) {
    if (index > 0) {
      const interrupt = yield* checkDrift(p, target, weight, tally);
      if (interrupt) return yield* stopped(p, interrupt, 0);
    }
    weight = yield* p.rec.setWeight(
      target,
      prod.router,
      step.weight,
      `step ${index + 1}/${canary.steps.length}`,
    );
    const need = checksForStep(step.duration, canary.interval);
    for (let passed = 0; passed < need;) {
      p.status({
        step: `${index + 1}/${canary.steps.length} check ${passed + 1}/${need}`,
        weight,
        failedChecks: tally.failed,
        waitingFor: 'next analysis',
      });
      const stop = yield* waitInterval(p, weight);
      if (stop?.kind === 'interrupt') return yield* stopped(p, stop.interrupt, weight);
      if (stop) return yield* rolledBack(p, `${stop.reason} at ${weight}%`);
      // The activity records the decision with the round; the same pure function decides here.
      const found = yield* checks(p, 'interval', weight, { limits, tally });
      const decision = intervalDecision(limits, tally, found);
      tally = decision.tally;
      if (decision.action === 'advance') passed++;
      else if (decision.action === 'rollback')
        return yield* rolledBack(p, `${decision.reason} at ${weight}%`);
      else if (decision.action === 'pause') {
        const paused = yield* pause(p, target, decision, weight);
        if (paused.interrupt) return yield* stopped(p, paused.interrupt, paused.weight);
        tally = afterResume(tally);
      }
    }
  }
  return { outcome: 'passed', weight };
}
