import { TERMINAL_STATES, type DeploymentRecord, type ReleaseRecord } from '../domain/deployment.js';
import { decides, ringNow, type RunRing } from '../domain/ring-now.js';
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

/** Runs since the last release read at most (newest first); older ones were overtaken by a restore. */
const MAX_RUNS = 5;
/** Runs of one service since its last release listed at most to find the newest (ids are not ordered). */
const LIST_PAGE = 200;

/**
 * The service's runs that may have changed a ring since its last production release, newest first, and
 * that release's own run last. A run that failed under `onRingFailure: hold` is the reason: it left its
 * image in the rings before the failure, and the release's run says nothing about that.
 */
async function recentRuns(
  ports: Ports,
  service: string,
  release: ReleaseRecord | undefined,
  activeId: string | null,
): Promise<DeploymentRecord[]> {
  const released = release ? await ports.store.getDeployment(service, release.deploymentId) : undefined;
  const page = await ports.store.listDeployments({
    service,
    ...(released && { since: released.createdAt }),
    pageSize: LIST_PAGE,
  });
  const newer = page.items
    .filter((r) => r.id !== released?.id && (r.id === activeId || TERMINAL_STATES.has(r.state)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, MAX_RUNS);
  return [...newer, ...(released ? [released] : [])];
}

/**
 * Which version runs in each ring now (shared/domain/ring-now.ts): the recent runs are read newest
 * first, and only until every ring is decided, so a release followed by nothing costs three reads
 * (its run, the runs listed since it, its timeline).
 */
export async function serviceRings(
  ports: Ports,
  service: string,
  release: ReleaseRecord | undefined,
  activeId: string | null,
): Promise<ServiceRing[] | undefined> {
  const plan = ports.config.plan(service);
  if (!plan || !isTrain(plan)) return undefined;
  const runs = await recentRuns(ports, service, release, activeId);
  const seen: RunRing[][] = plan.rings.map(() => []);
  for (const run of runs) {
    const views = ringViews(plan, run, await ports.store.listEvents(run.id));
    const meta = { id: run.id, digest: run.image.digest, active: run.id === activeId };
    seen.forEach((ring, index) => ring.push({ run: meta, view: views?.[index] }));
    if (seen.every((ring) => ring.some((r) => decides(r.view)))) break;
  }
  return plan.rings.map((ring, index) => ({
    name: ring.name,
    ...(ring.region !== undefined && { region: ring.region }),
    ...ringNow(seen[index] ?? [], release),
    targets: ring.targets.map((t) => ({ cluster: t.cluster, namespace: t.namespace, argoApp: t.argoApp })),
  }));
}
