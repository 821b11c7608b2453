import type { ReleaseRecord } from './deployment.js';
import type { RingState, RingView } from './ring-view.js';

/**
 * Which version runs in one ring now, pure: from the ring's view in the service's recent runs, newest
 * first. The newest run that changed the ring decides: a run that deployed, released or held it (under
 * `onRingFailure: hold` a failed run leaves its image in the earlier rings) runs its digest there; a
 * run that rolled it back to a recorded digest runs that one. A run that never reached the ring (or
 * rolled it back without a recorded digest) says nothing, so the next older run is asked, and with none
 * left the ring runs the last production release.
 */

export interface RingNow {
  digest: string | null;
  deploymentId: string | null;
  state: RingState;
}

export interface RunRing {
  run: { id: string; digest: string; active: boolean };
  view: RingView | undefined;
}

const RUNS_IMAGE: ReadonlySet<RingState> = new Set(['deploying', 'released', 'held']);
/** States of the in-flight run's ring that it has not reached yet: worth showing, but not a version. */
const WAITING: ReadonlySet<RingState> = new Set(['soaking', 'frozen', 'pending']);

/** Whether a run's view of a ring says which version runs there (else an older run is asked). */
export const decides = (view: RingView | undefined): boolean =>
  !!view && (RUNS_IMAGE.has(view.state) || (view.state === 'rolled-back' && view.image !== null));

export function ringNow(runs: readonly RunRing[], release: ReleaseRecord | undefined): RingNow {
  let waiting: RingState | undefined;
  for (const { run, view } of runs) {
    if (!view) continue;
    if (RUNS_IMAGE.has(view.state)) return { digest: run.digest, deploymentId: run.id, state: view.state };
    if (view.state === 'rolled-back' && view.image !== null) {
      // Back on the last release: shown as that release. On another digest: a rollback to it.
      if (view.image === release?.image.digest) break;
      return { digest: view.image, deploymentId: null, state: 'rolled-back' };
    }
    if (run.active && WAITING.has(view.state)) waiting ??= view.state;
  }
  return {
    digest: release?.image.digest ?? null,
    deploymentId: release?.deploymentId ?? null,
    state: waiting ?? (release ? 'released' : 'pending'),
  };
}
