import type { OrchestrationContext } from 'durable-functions';
import { Activities, type RunInput } from '../../shared/contracts/activities.js';
import { call, firstStored, nowIso, type Flow, type Interrupt } from './flow.js';
import type { Recorder } from './recorder.js';

/**
 * The end of a run's last verification: claims the finish (an interrupt stored before the claim wins,
 * and is returned), then records the release as last known good, or only warns when no rule could be
 * measured. Shared by the verification phase and a last ring of several targets (which releases once
 * all of its targets' windows passed).
 */
export function* finishRelease(
  ctx: OrchestrationContext,
  rec: Recorder,
  deployment: RunInput['deployment'],
  measured: boolean,
): Flow<{ late: Interrupt } | { detail?: 'unverified' }> {
  // The last moment an interrupt can still be accepted: after this claim the API answers 409.
  const late = firstStored(
    yield* call(ctx, Activities.claimFinish, { service: deployment.service, deploymentId: deployment.id }),
  );
  if (late) return { late };
  if (!measured) {
    yield* rec.note(
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
    return { detail: 'unverified' };
  }
  yield* call(ctx, Activities.recordRelease, {
    service: deployment.service,
    environment: 'production',
    deploymentId: deployment.id,
    image: deployment.image,
    releasedAt: nowIso(ctx),
    record: rec.own(), // the activity records `release:last-known-good` too
  });
  return {};
}
