import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../shared/contracts/activities.js';
import { Events, pipelineInstanceId } from '../shared/contracts/events.js';
import { queueKeyOf } from '../shared/domain/retry.js';
import { after, call, nowIso, type Flow } from './lib/flow.js';
import type { PipelineResult } from './pipeline.js';

/** How often an idle lane re-reads its queue, so a lost wake-up costs only latency. */
export const LANE_RECHECK_MS = 5 * 60_000;
/** How often a lane held by a syncing rollback looks again. */
export const ROLLBACK_POLL_MS = 10_000;

export interface LaneInput {
  service: string;
}

/**
 * The singleton per service (`lane:<service>`): takes the newest queued digest (older ones become
 * Superseded), runs its pipeline as a sub-orchestration, and continues as new to keep history short.
 */
export function* lane(ctx: OrchestrationContext): Flow<PipelineResult | undefined> {
  const { service } = ctx.df.getInput() as LaneInput;
  // Stored at this first checkpoint, episodes before the one that schedules `takeNext`: a push that still
  // reads the last generation's `running` knows this lane has not read its queue yet, so it need not wake
  // it nor look at the pipeline (functions/durable/control.ts, `ensureLane`).
  ctx.df.setCustomStatus({ lane: service, checking: true, since: nowIso(ctx) });
  // A manual rollback owns the production application while it syncs: queued images wait (still
  // cancellable, since nothing is taken off the queue yet).
  const rollback = yield* call(ctx, Activities.rollbackInProgress, { service });
  if (rollback.pending) {
    ctx.df.setCustomStatus({
      lane: service,
      waitingFor: `rollback to ${rollback.deploymentId ?? '?'} to finish`,
      since: rollback.since ?? nowIso(ctx),
    });
    yield ctx.df.createTimer(after(ctx, ROLLBACK_POLL_MS));
    ctx.df.continueAsNew({ service });
    return undefined;
  }
  const next = yield* call(ctx, Activities.takeNext, { service, at: nowIso(ctx) });
  if (!next.run) {
    // A held lane waits the same way: the Operator's lift wakes it, and it then takes the newest push.
    ctx.df.setCustomStatus(
      next.held
        ? { lane: service, waitingFor: 'hold to be lifted', held: next.held, since: next.held.since }
        : { lane: service, waitingFor: 'queued images', since: nowIso(ctx) },
    );
    const wake = ctx.df.waitForExternalEvent(Events.wake.name);
    const timer = ctx.df.createTimer(after(ctx, LANE_RECHECK_MS));
    const winner = yield ctx.df.Task.any([wake, timer]);
    if (winner === wake) timer.cancel();
    ctx.df.continueAsNew({ service });
    return undefined;
  }
  const { deployment } = next.run;
  ctx.df.setCustomStatus({ lane: service, running: deployment.id, since: nowIso(ctx) });
  const result = (yield ctx.df.callSubOrchestrator(
    'pipeline',
    next.run,
    pipelineInstanceId(deployment.id),
  )) as PipelineResult;
  // The queue row's key: the digest, or `<digest>-r<n>` for a retry of the same image.
  yield* call(ctx, Activities.finishRun, { service, digest: queueKeyOf(deployment), state: 'done' });
  ctx.df.continueAsNew({ service });
  return result;
}
