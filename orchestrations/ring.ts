import type { OrchestrationContext } from 'durable-functions';
import { Activities, type RunInput } from '../shared/contracts/activities.js';
import type { Phase } from '../shared/contracts/events.js';
import { ringApprovalClosed, ringApprovalOpened } from '../shared/domain/ring-approval.js';
import type { ProductionTarget, RingSpec } from '../shared/contracts/plan.js';
import { ringPhaseVerdict, targetReason } from '../shared/domain/ring-verdict.js';
import {
  ringBorder,
  ringPhaseInstanceId,
  ringPhases,
  ringRun,
  ringStage,
  ringTargetInstanceId,
} from '../shared/domain/rings.js';
import { drainTargets } from './lib/drain.js';
import { call, Interrupts, type Flow, type Interrupt } from './lib/flow.js';
import { interrupted, type PhaseResult } from './lib/phase.js';
import { Recorder } from './lib/recorder.js';
import { finishRelease } from './lib/release.js';
import { RING_TARGET_FUNCTION } from '../shared/contracts/orchestrations.js';
import type { RingTargetInput, RingTargetOutcome } from './ring-target.js';

export interface RingInput {
  run: RunInput;
  /** Index of the ring in `plan.rings` (≥ 1: ring 0 is the pipeline's own production phases). */
  index: number;
}

/** A ring's outcome; `promoted`: how many of its targets had their application pointed at the image. */
export type RingResult = { result: PhaseResult; phase: Phase; promoted: number };

/** Timeline slot of ring orchestrations (pipeline 0, phases 1-7, lane 8). */
const RING_SLOT = 9;

/**
 * One later ring of a train: the soak in the ring before, the wait at a frozen border, its own approval
 * when configured, then the same canary (when the ring has one), promotion and verification
 * sub-orchestrations as ring 0, on all of its targets at once, each under an instance id suffixed with
 * the ring (and the target). Returns at the first phase the ring does not pass.
 */
export function* ringPhase(ctx: OrchestrationContext): Flow<RingResult> {
  const { run, index } = ctx.df.getInput() as RingInput;
  const ring = run.plan.rings?.[index] as RingSpec;
  const before = run.plan.rings?.[index - 1]?.name ?? 'ring 0';
  const { id, service } = run.deployment;
  const rec = new Recorder(ctx, id, service, RING_SLOT, { routes: run.plan.chat, environment: 'production' });
  const interrupts = new Interrupts(ctx);
  interrupts.adopt(yield* call(ctx, Activities.storedInterrupts, { service, deploymentId: id }));
  status(ctx, ringStage('soak', ring.name), `soak in ${before}`);
  yield* rec.note('note', `ring:${ring.name}:soak`, {
    comment: `the new image soaks in ${before} for ${ring.soak / 60_000} min before ${ring.name}`,
  });
  const stopped = (yield* interrupts.sleep(ring.soak)) ?? (yield* border(ctx, rec, interrupts, ring));
  if (stopped)
    return { result: { outcome: 'interrupted', interrupt: stopped }, phase: 'canary', promoted: 0 };
  if (ring.approval) {
    const approval = yield* ringApproval(ctx, rec, run, index);
    if (approval.outcome !== 'passed') return { result: approval, phase: 'approval', promoted: 0 };
  }
  yield* rec.note('action', `ring:${ring.name}:started`, {
    evidence: { region: ring.region ?? '', targets: ring.targets.map((t) => t.argoApp).join(', ') },
  });
  const ran = yield* runTargets(ctx, rec, run, index);
  if ('stopped' in ran) return ran.stopped;
  if (ring.targets.length > 1 && index === (run.plan.rings?.length ?? 0) - 1) {
    // The last ring of several targets releases the train once every target's window passed.
    const end = yield* finishRelease(ctx, rec, run.deployment, ran.measured);
    if ('late' in end)
      return { result: interrupted(end.late), phase: 'verification', promoted: ring.targets.length };
  }
  yield* rec.note('decision', `ring:${ring.name}:released`, { verdict: 'pass' });
  return { result: { outcome: 'passed' }, phase: 'verification', promoted: ring.targets.length };
}

/**
 * The ring's targets run each phase together: one `ringTargetPhase` per target under `Task.all`
 * (results in target order), and the next phase starts when all passed. The first phase a target does
 * not pass stops the ring (shared/domain/ring-verdict.ts); canary traffic left on a sibling is drained.
 * `measured`: the ring passed, and every target's verification window measured its rules.
 */
function* runTargets(
  ctx: OrchestrationContext,
  rec: Recorder,
  run: RunInput,
  index: number,
): Flow<{ stopped: RingResult } | { measured: boolean }> {
  const ring = run.plan.rings?.[index] as RingSpec;
  const apps = ring.targets.map((t) => t.argoApp);
  const since = ctx.df.currentUtcDateTime.toISOString();
  const runs = ring.targets.map((_, target) => {
    const base = ringRun(run, index, target);
    return { ...base, train: { ...base.train, ring: ring.name, last: !!base.train?.last, since } };
  });
  let promoted = 0;
  let measured = true;
  for (const phase of ringPhases(ring)) {
    if (phase === 'promotion') promoted = ring.targets.length;
    status(ctx, ringStage(phase, ring.name), apps.join(', '));
    const outcomes = (yield ctx.df.Task.all(
      runs.map((targetRun, target) =>
        ctx.df.callSubOrchestrator(
          RING_TARGET_FUNCTION,
          {
            run: targetRun,
            phase,
            instanceId: ringPhaseInstanceId(run.deployment.id, phase, ring.name, target),
          } satisfies RingTargetInput,
          ringTargetInstanceId(run.deployment.id, phase, ring.name, target),
        ),
      ),
    )) as RingTargetOutcome[];
    const verdict = ringPhaseVerdict(
      phase,
      outcomes.map((o) => ({ outcome: o.result.outcome, threw: o.threw })),
    );
    const worst = verdict.worst === undefined ? undefined : outcomes[verdict.worst]?.result;
    if (worst && verdict.worst !== undefined) {
      const result = named(worst, apps, verdict.worst);
      const why = result.outcome === 'failed' || result.outcome === 'rolled-back' ? result.reason : phase;
      yield* drainTargets(
        ctx,
        verdict.drain.map((t) => ring.targets[t] as ProductionTarget),
        rec,
        why,
      );
      return { stopped: { result, phase, promoted } };
    }
    outcomes.forEach((o, target) => {
      if (o.result.outcome === 'passed' && o.result.detail === 'unverified') measured = false;
      const weight = o.result.outcome === 'passed' ? o.result.weight : undefined;
      const targetRun = runs[target];
      if (weight !== undefined && targetRun) targetRun.deployment.weight = weight;
    });
  }
  return { measured };
}

/** The ring's result from its worst target's: the reason names the target when the ring has several. */
function named(result: PhaseResult, apps: readonly string[], target: number): PhaseResult {
  if (result.outcome !== 'failed' && result.outcome !== 'rolled-back') return result;
  return { ...result, reason: targetReason(apps, target, result.reason) };
}

/**
 * The ring's own approval: the approval phase itself (same policy, checks, expiry and event), under the
 * ring's instance id, bracketed on the timeline so the API delivers a decision to this ring's request.
 */
function* ringApproval(
  ctx: OrchestrationContext,
  rec: Recorder,
  run: RunInput,
  index: number,
): Flow<PhaseResult> {
  const base = ringRun(run, index, 0);
  const ring = base.train?.ring ?? String(index);
  const since = ctx.df.currentUtcDateTime.toISOString();
  status(ctx, ringStage('approval', ring), `approval of ${ring}`);
  yield* rec.note('action', ringApprovalOpened(ring), { comment: `${ring} waits for its own approval` });
  const result = (yield ctx.df.callSubOrchestrator(
    'approvalPhase',
    { ...base, train: { ring, last: false, since } },
    ringPhaseInstanceId(run.deployment.id, 'approval', ring, 0),
  )) as PhaseResult;
  yield* rec.note('decision', ringApprovalClosed(ring), {
    verdict: result.outcome === 'passed' ? 'pass' : 'fail',
  });
  return result;
}

/** A freeze on the ring holds the train at its border until the freeze lifts (a cancel or abort ends it). */
function* border(
  ctx: OrchestrationContext,
  rec: Recorder,
  interrupts: Interrupts,
  ring: RingSpec,
): Flow<Interrupt | undefined> {
  for (;;) {
    const at = ringBorder(ring.freezes, ctx.df.currentUtcDateTime);
    if (at.kind === 'open') return undefined;
    status(ctx, ringStage('border', ring.name), `freeze ${at.freeze.name} until ${at.until.toISOString()}`);
    yield* rec.note('decision', `ring:${ring.name}:frozen`, {
      verdict: 'warn',
      comment: `${at.freeze.name}: ${at.freeze.reason}; the train waits at the border`,
      evidence: { until: at.until.toISOString() },
    });
    const stopped = yield* interrupts.sleep(at.until.getTime() - ctx.df.currentUtcDateTime.getTime());
    if (stopped) return stopped;
  }
}

function status(ctx: OrchestrationContext, stage: string, waitingFor: string): void {
  ctx.df.setCustomStatus({ stage, waitingFor, since: ctx.df.currentUtcDateTime.toISOString() });
}
