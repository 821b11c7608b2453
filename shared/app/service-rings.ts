import type { ReleaseRecord } from '../domain/deployment.js';
import { ringViews, type RingState, type RingTarget } from '../domain/ring-view.js';
import { isTrain } from '../domain/rings.js';
import type { Ports } from '../ports/index.js';

/** One ring of a service's train and the version it runs now (`GET /api/services/{name}` `rings`). */
export interface ServiceRing {
  name: string;
  region?: string;
  digest: string | null;
  deploymentId: string | null;
  state: RingState;
  targets: RingTarget[];
}

/**
 * Which version runs in each ring now. Bounded reads only: the in-flight run (or, with none, the run
 * of the last production release) and its timeline; rings that run has not reached (or that it
 * rolled back without a recorded digest) run the last production release.
 */
export async function serviceRings(
  ports: Ports,
  service: string,
  release: ReleaseRecord | undefined,
  activeId: string | null,
): Promise<ServiceRing[] | undefined> {
  const plan = ports.config.plan(service);
  if (!plan || !isTrain(plan)) return undefined;
  const runId = activeId ?? release?.deploymentId;
  const [run, timeline] = runId
    ? await Promise.all([ports.store.getDeployment(service, runId), ports.store.listEvents(runId)])
    : [undefined, []];
  const views = run ? ringViews(plan, run, timeline) : undefined;
  const released = release?.image.digest ?? null;
  return plan.rings.map((ring, index) => {
    const view = views?.[index];
    const own = view?.image ?? null;
    const fromRun = own !== null && own === run?.image.digest;
    return {
      name: ring.name,
      ...(ring.region !== undefined && { region: ring.region }),
      digest: own ?? released,
      deploymentId: fromRun ? (run?.id ?? null) : own === null ? (release?.deploymentId ?? null) : null,
      state: view?.state ?? (released ? 'released' : 'pending'),
      targets:
        view?.targets ??
        ring.targets.map((t) => ({ cluster: t.cluster, namespace: t.namespace, argoApp: t.argoApp })),
    };
  });
}
