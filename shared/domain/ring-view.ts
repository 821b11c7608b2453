import type { PipelinePlan } from '../contracts/plan.js';
import type { DeploymentRecord, TimelineEntry } from './deployment.js';
import { isTrain } from './rings.js';

/**
 * The ring view of a train (`GET /api/deployments/{id}` `rings`): which version runs where, derived
 * from the run's record and timeline only, so it is the same for a live run and one finished long ago.
 */

export type RingState =
  'pending' | 'soaking' | 'frozen' | 'deploying' | 'released' | 'rolled-back' | 'held' | 'untouched';

export interface RingView {
  name: string;
  region?: string;
  state: RingState;
  /** Canary weight in the ring now (0 outside its canary). */
  weight: number;
  /** The digest the ring runs: this run's image, the one rolled back to, or null (the previous release). */
  image: string | null;
  /** Where the ring deploys (names only; no subscription or router details). */
  targets: RingTarget[];
  /** When the ring's rollout began and when it released or was rolled back (timeline times). */
  startedAt?: string;
  endedAt?: string;
}

export interface RingTarget {
  cluster: string;
  namespace: string;
  argoApp: string;
}

/** Ring 0 starts with the run's production phase (its first `->Canary` or `->Promoting` transition). */
function startedAt(index: number, name: string, timeline: readonly TimelineEntry[]): string | undefined {
  const entry =
    index === 0
      ? timeline.find((e) => e.title.endsWith('->Canary') || e.title.endsWith('->Promoting'))
      : timeline.find((e) => e.title === `ring:${name}:started`);
  return entry?.at;
}

const ACTIVE: ReadonlySet<string> = new Set(['Canary', 'Promoting', 'Verifying']);

/** Ring 0's progress: it has no ring notes before its release, so the record's state says it. */
function firstRing(d: DeploymentRecord, titles: Set<string>, name: string): RingState {
  if (titles.has(`ring:${name}:released`) || d.state === 'Succeeded') return 'released';
  return ACTIVE.has(d.state) ? 'deploying' : 'pending';
}

function laterRing(titles: Set<string>, last: string | undefined, name: string): RingState {
  if (titles.has(`ring:${name}:released`)) return 'released';
  if (titles.has(`ring:${name}:started`)) return 'deploying';
  if (last === `ring:${name}:frozen`) return 'frozen';
  if (titles.has(`ring:${name}:soak`)) return 'soaking';
  return 'pending';
}

export function ringViews(
  plan: PipelinePlan | undefined,
  d: DeploymentRecord,
  timeline: readonly TimelineEntry[],
  liveWeight = 0,
): RingView[] | undefined {
  if (!plan || !isTrain(plan)) return undefined;
  const titles = new Set(timeline.map((e) => e.title));
  const ringNotes = timeline.filter((e) => e.title.startsWith('ring:'));
  const finished = ['Succeeded', 'Failed', 'RolledBack', 'Cancelled', 'Superseded'].includes(d.state);
  return plan.rings.map((ring, index) => {
    const last = ringNotes.filter((e) => e.title.startsWith(`ring:${ring.name}:`)).at(-1)?.title;
    let state = index === 0 ? firstRing(d, titles, ring.name) : laterRing(titles, last, ring.name);
    const rollback = timeline.find(
      (e) => e.title === (index === 0 ? 'rollback:production' : `rollback:production@${ring.name}`),
    );
    // The ring that stopped the run took its own traffic back, whether or not its rollout had begun.
    const stoppedHere =
      finished &&
      d.state !== 'Succeeded' &&
      (index === 0
        ? !titles.has(`ring:${ring.name}:released`)
        : (d.reason ?? '').startsWith(`ring ${ring.name}: `));
    if (rollback || stoppedHere) state = 'rolled-back';
    else if (finished && d.state !== 'Succeeded')
      state = state === 'pending' || state === 'soaking' || state === 'frozen' ? 'untouched' : 'held';
    const digest = rollback?.evidence?.digest;
    const image =
      state === 'rolled-back'
        ? typeof digest === 'string'
          ? digest
          : null
        : ['deploying', 'released', 'held'].includes(state)
          ? d.image.digest
          : null;
    const started = startedAt(index, ring.name, timeline);
    const ended =
      state === 'released' || state === 'held'
        ? timeline.find((e) => e.title === `ring:${ring.name}:released`)?.at
        : state === 'rolled-back'
          ? rollback?.at
          : undefined;
    return {
      name: ring.name,
      ...(ring.region !== undefined && { region: ring.region }),
      state,
      weight: state === 'deploying' ? liveWeight : 0,
      image,
      targets: ring.targets.map((t) => ({ cluster: t.cluster, namespace: t.namespace, argoApp: t.argoApp })),
      ...(started !== undefined && { startedAt: started }),
      ...(ended !== undefined && { endedAt: ended }),
    };
  });
}
