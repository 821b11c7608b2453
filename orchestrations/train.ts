import type { OrchestrationContext } from 'durable-functions';
import type { RunInput } from '../shared/contracts/activities.js';
import type { DeploymentState } from '../shared/domain/deployment.js';
import { ringInstanceId, ringsToRestore } from '../shared/domain/rings.js';
import type { Flow } from './lib/flow.js';
import { drainTargets } from './lib/drain.js';
import type { Recorder } from './lib/recorder.js';
import { restoreRings } from './lib/restore.js';
import { RING_FUNCTION } from '../shared/contracts/orchestrations.js';
import type { RingInput, RingResult } from './ring.js';

export interface TrainOutcome {
  /** Undefined: every ring released. */
  stopped?: { state: DeploymentState; reason: string };
  /** The earlier rings keep the image (`onRingFailure: hold`): ring 0 and staging are not restored. */
  holdEarlier: boolean;
  /** Restores of later rings that failed. */
  failures: string[];
}

/** What a ring's stopping outcome makes of the run (the ring moved traffic, so failures roll back). */
function stoppedBy(ring: string, r: RingResult): { state: DeploymentState; reason: string } {
  const { result } = r;
  if (result.outcome === 'interrupted') {
    const { kind, payload } = result.interrupt;
    const state: DeploymentState = kind === 'abort' ? 'RolledBack' : 'Cancelled';
    return { state, reason: `ring ${ring}: ${kind} by ${payload.actor}: ${payload.reason}` };
  }
  const reason = result.outcome === 'passed' ? 'released' : result.reason;
  return { state: 'RolledBack', reason: `ring ${ring}: ${reason}` };
}

/**
 * The rings after ring 0 (which the pipeline ran as its own production phases), one sub-orchestration
 * each, in order. A ring that does not release stops the train: later rings are never started, and
 * the rings before are rolled back or held by the plan's `onRingFailure`.
 */
export function* runTrain(ctx: OrchestrationContext, run: RunInput, rec: Recorder): Flow<TrainOutcome> {
  const rings = run.plan.rings ?? [];
  const first = rings[0]?.name ?? 'ring 0';
  yield* rec.note('decision', `ring:${first}:released`, { verdict: 'pass' });
  for (let index = 1; index < rings.length; index++) {
    const ring = rings[index]?.name ?? String(index);
    const input: RingInput = { run, index };
    // The live status (API, CLI) follows the ring: its orchestration says which phase it is in.
    ctx.df.setCustomStatus({
      stage: `ring@${ring}`,
      phaseInstanceId: ringInstanceId(run.deployment.id, ring),
      since: ctx.df.currentUtcDateTime.toISOString(),
    });
    let r: RingResult;
    try {
      r = (yield ctx.df.callSubOrchestrator(
        RING_FUNCTION,
        input,
        ringInstanceId(run.deployment.id, ring),
      )) as RingResult;
    } catch (error) {
      // A phase of the ring threw (retries exhausted): its traffic is taken back, and every one of its
      // targets is treated as possibly pointed at the image.
      const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
      yield* drainTargets(ctx, rings[index]?.targets ?? [], rec, reason);
      const promoted = rings[index]?.targets.length ?? 0;
      r = { result: { outcome: 'failed', reason }, phase: 'canary', promoted };
    }
    if (r.result.outcome === 'passed') continue;
    const policy = run.plan.onRingFailure ?? 'rollback-all';
    const { apps } = ringsToRestore(rings, index, r.promoted, policy);
    const failures = yield* restoreRings(ctx, run, rec, apps);
    const stopped = stoppedBy(ring, r);
    if (policy === 'hold')
      stopped.reason += `; rings before ${ring} keep the new image (onRingFailure: hold)`;
    return { stopped, holdEarlier: policy === 'hold', failures };
  }
  return { holdEarlier: false, failures: [] };
}
