import type { OrchestrationContext } from 'durable-functions';
import type { RunInput } from '../shared/contracts/activities.js';
import { phaseInstanceId, PHASES, type Phase } from '../shared/contracts/events.js';
import type { DeploymentState } from '../shared/domain/deployment.js';
import { Activities } from '../shared/contracts/activities.js';
import { call, firstStored, type Flow } from './lib/flow.js';
import { clusterTarget } from './phases/traffic.js';
import type { PhaseResult } from './lib/phase.js';
import { Recorder } from './lib/recorder.js';
import { restoreGitOps } from './lib/restore.js';
import { isTrain } from '../shared/domain/rings.js';
import { runTrain } from './train.js';
import { phaseFunction } from '../shared/contracts/orchestrations.js';

export const PHASE_STATE: Record<Phase, DeploymentState> = {
  gates: 'Gating',
  staging: 'Staging',
  tests: 'Testing',
  approval: 'AwaitingApproval',
  canary: 'Canary',
  promotion: 'Promoting',
  verification: 'Verifying',
};

const TRAFFIC_PHASES: ReadonlySet<Phase> = new Set(['canary', 'promotion', 'verification']);

export interface PipelineResult {
  state: DeploymentState;
  reason: string;
}

/** What a phase's result means for the whole run (undefined: go on to the next phase). */
function settle(phase: Phase, result: PhaseResult): PipelineResult | undefined {
  switch (result.outcome) {
    case 'passed':
      return undefined;
    case 'rolled-back':
      return { state: 'RolledBack', reason: result.reason };
    case 'failed':
      return { state: TRAFFIC_PHASES.has(phase) ? 'RolledBack' : 'Failed', reason: result.reason };
    case 'interrupted': {
      const { kind, payload } = result.interrupt;
      const state: DeploymentState =
        kind === 'abort' && TRAFFIC_PHASES.has(phase) ? 'RolledBack' : 'Cancelled';
      return { state, reason: `${kind} by ${payload.actor}: ${payload.reason}` };
    }
  }
}

/**
 * One deployment from gates to verification. Each phase is a sub-orchestration with a derived instance
 * id (so interrupts and approvals can be routed to it) and returns its outcome as data; the pipeline only
 * sequences phases, records transitions and closes the run with a reason.
 */
export function* pipeline(ctx: OrchestrationContext): Flow<PipelineResult> {
  const run = ctx.df.getInput() as RunInput;
  const { id, service } = run.deployment;
  const rec = new Recorder(ctx, id, service, 0, { routes: run.plan.chat, environment: 'staging' });
  let state: DeploymentState = run.deployment.state;
  let outcome: PipelineResult | undefined;
  let reached: Phase | undefined;
  // A release train (plan.rings): ring 0's verification does not end the run; later rings follow.
  const train = isTrain(run.plan) ? { ring: run.plan.rings[0]?.name ?? '', last: false } : undefined;
  let holdEarlier = false;
  let trainFailures: string[] = [];
  try {
    // Interrupts are not awaited here: the API stores each one before answering 202 and raises it to the
    // phases; every phase reads the store when it starts, so none is lost between two phases.
    for (const phase of PHASES) {
      yield* rec.transition(state, PHASE_STATE[phase]);
      state = PHASE_STATE[phase];
      reached = phase;
      ctx.df.setCustomStatus({
        stage: phase,
        phaseInstanceId: phaseInstanceId(id, phase),
        since: ctx.df.currentUtcDateTime.toISOString(),
      });
      const result = (yield ctx.df.callSubOrchestrator(
        phaseFunction(phase),
        { ...run, deployment: { ...run.deployment, state }, ...(train && { train }) },
        phaseInstanceId(id, phase),
      )) as PhaseResult;
      if (result.outcome === 'passed' && result.weight !== undefined) run.deployment.weight = result.weight;
      outcome = settle(phase, result);
      if (outcome) break;
    }
    if (!outcome && train) {
      const rest = yield* runTrain(ctx, { ...run, deployment: { ...run.deployment, state } }, rec);
      outcome = rest.stopped;
      holdEarlier = rest.holdEarlier;
      trainFailures = rest.failures;
    }
  } catch (error) {
    // Activities exhausted their retries or a phase threw: the run ends, recorded with the reason, and
    // once traffic has reached the canary it is taken back first.
    const reason = errorText(error);
    outcome = { state: 'Failed', reason };
    if (TRAFFIC_PHASES.has(stageOf(state))) {
      const drained = yield* drainCanary(ctx, run, rec, reason);
      outcome = drained
        ? { state: 'RolledBack', reason }
        : { state: 'Failed', reason: `${reason}; rollback failed too` };
    }
  }
  let final = outcome ?? { state: 'Succeeded', reason: 'released' };
  if (final.state !== 'Succeeded' && reached) {
    const failures = [...trainFailures, ...(holdEarlier ? [] : yield* restoreGitOps(ctx, run, rec, reached))];
    // A rollback that did not complete is never reported as one: both reasons, and Failed.
    if (failures.length > 0) final = { state: 'Failed', reason: [final.reason, ...failures].join('; ') };
  }
  yield* closeInterrupts(ctx, run, rec, final);
  yield* rec.transition(state, final.state, final.reason);
  ctx.df.setCustomStatus({
    stage: 'done',
    state: final.state,
    reason: final.reason,
    since: ctx.df.currentUtcDateTime.toISOString(),
  });
  return final;
}

/**
 * Claims the end of the run (the API answers 409 from here on). An interrupt accepted after the last
 * phase had already stopped the run is recorded, so the operator sees why it changed nothing; one that
 * arrived before a release was claimed by the verification phase itself.
 */
function* closeInterrupts(
  ctx: OrchestrationContext,
  run: RunInput,
  rec: Recorder,
  final: PipelineResult,
): Flow<void> {
  const { id, service } = run.deployment;
  const late = firstStored(yield* call(ctx, Activities.claimFinish, { service, deploymentId: id }));
  if (!late || final.reason.startsWith(`${late.kind} by ${late.payload.actor}`)) return;
  yield* rec.note('note', `${late.kind}:moot`, {
    actor: late.payload.actor,
    comment: `accepted while the run was already ending (${final.state}): ${late.payload.reason}`,
  });
}

/** Best-effort rollback after an unexpected failure: weight 0 and the canary scaled down. */
function* drainCanary(
  ctx: OrchestrationContext,
  run: RunInput,
  rec: Recorder,
  reason: string,
): Flow<boolean> {
  const prod = run.plan.production;
  const target = clusterTarget(prod);
  try {
    yield* call(ctx, Activities.setWeight, { target, router: prod.router, weight: 0 });
    yield* call(ctx, Activities.scale, { target, deployment: prod.canaryDeployment, replicas: 0 });
    yield* rec.weight(0, `rollback after failure: ${reason}`);
    return true;
  } catch (error) {
    yield* rec.note('action', 'rollback:failed', { verdict: 'fail', comment: errorText(error) });
    return false;
  }
}

function stageOf(state: DeploymentState): Phase {
  const entry = Object.entries(PHASE_STATE).find(([, s]) => s === state);
  return (entry?.[0] as Phase | undefined) ?? 'gates';
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}
