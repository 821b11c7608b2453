/**
 * What one deployment contributes to the DORA metrics, read from its record and timeline. The moments
 * are the entries the orchestrations write (docs/api.md "DORA metrics" lists them):
 * - production: the transition into `Canary` (the first moment production traffic can reach the image);
 * - released at 100%: the promotion phase's `synced:<production app>` pass (the primary runs the image,
 *   healthy, and serves all traffic), the first `synced:` pass after the transition into `Promoting`;
 * - failing signal: the first `check` entry with verdict `fail` in the phase that rolled the run back
 *   (`check:<metric>` in the canary, `verify:<rule>` in verification), so a canary check that failed
 *   below the threshold does not start an incident that verification raised an hour later;
 * - restored: the first rollback action after that signal: `weight:0` (the canary's traffic taken back,
 *   the stable primary serves everything) or `rollback:production` (production pointed back at the last
 *   known good release), else the run's closing `->RolledBack` transition.
 */
import type { DeploymentRecord, DeploymentState, TimelineEntry } from './deployment.js';

/** How a run that reached production counts in the change failure rate. */
export type ChangeOutcome =
  | 'success'
  | 'failure'
  /** Reached production but stopped by an operator (`cancel`): not a failed change. */
  | 'cancelled'
  /** Still in canary, promotion or verification: its outcome is not known yet. */
  | 'in-flight';

export interface RunFacts {
  deploymentId: string;
  service: string;
  state: DeploymentState;
  /** Epoch ms of the transition into Canary; undefined for runs that never reached production. */
  productionAt?: number;
  /** Epoch ms at which the release served 100% of production traffic. */
  releasedAt?: number;
  /** Lead-time start: the commit time when recorded (and not after the release), else the push time. */
  changeAt: number;
  changeFrom: 'commit' | 'push';
  /** Undefined for runs that never reached production. */
  outcome?: ChangeOutcome;
  /** A rolled-back run with a recorded failing signal and restore. */
  incident?: { failedAt: number; restoredAt: number };
}

const IN_FLIGHT: ReadonlySet<DeploymentState> = new Set(['Canary', 'Promoting', 'Verifying']);

const isTransitionInto = (e: TimelineEntry, state: string): boolean =>
  e.kind === 'transition' && e.title.endsWith(`->${state}`);

const time = (e: TimelineEntry | undefined): number | undefined => (e ? Date.parse(e.at) : undefined);

function releasedAt(timeline: readonly TimelineEntry[]): number | undefined {
  const promoting = timeline.findIndex((e) => isTransitionInto(e, 'Promoting'));
  if (promoting < 0) return undefined;
  const synced = timeline
    .slice(promoting + 1)
    .find((e) => e.kind === 'action' && e.title.startsWith('synced:') && e.verdict === 'pass');
  return time(synced);
}

function outcomeOf(state: DeploymentState, timeline: readonly TimelineEntry[]): ChangeOutcome {
  if (state === 'RolledBack' || state === 'Failed') return 'failure';
  if (state === 'Cancelled') return 'cancelled';
  if (IN_FLIGHT.has(state)) return 'in-flight';
  // A release that a manual rollback later moved production away from failed too.
  const rolledAway = timeline.some((e) => e.kind === 'action' && e.title === 'rollback:from');
  return rolledAway ? 'failure' : 'success';
}

const isRestore = (e: TimelineEntry): boolean =>
  e.kind === 'action' && (e.title === 'weight:0' || e.title === 'rollback:production');

/**
 * The failing signal and the restore of a rolled-back run, scoped to the phase that rolled it back.
 * Bounded by time, not position: the pipeline's closing transition can share its millisecond with the
 * phase's last entries and then sorts before them (the recorder's slot is below the phase's).
 */
function incidentOf(timeline: readonly TimelineEntry[]): RunFacts['incident'] {
  const closing = timeline.findLast((e) => isTransitionInto(e, 'RolledBack'));
  if (!closing) return undefined;
  const endMs = Date.parse(closing.at);
  const failingState = closing.title.slice(0, closing.title.indexOf('->'));
  const start = timeline.findLastIndex((e) => isTransitionInto(e, failingState));
  if (start < 0) return undefined;
  const phase = timeline.slice(start + 1).filter((e) => e !== closing && Date.parse(e.at) <= endMs);
  const failing = phase.findIndex((e) => e.kind === 'check' && e.verdict === 'fail');
  if (failing < 0) return undefined;
  const restore = phase.slice(failing + 1).find(isRestore) ?? closing;
  return { failedAt: time(phase[failing]) as number, restoredAt: Date.parse(restore.at) };
}

/** Reads one run; `timeline` is that deployment's entries in `seq` order. */
export function readRun(record: DeploymentRecord, timeline: readonly TimelineEntry[]): RunFacts {
  const production = timeline.find((e) => isTransitionInto(e, 'Canary'));
  const released = releasedAt(timeline);
  const committed = record.committedAt === undefined ? undefined : Date.parse(record.committedAt);
  const fromCommit =
    committed !== undefined && !Number.isNaN(committed) && (released === undefined || committed <= released);
  const facts: RunFacts = {
    deploymentId: record.id,
    service: record.service,
    state: record.state,
    changeAt: fromCommit ? (committed as number) : Date.parse(record.createdAt),
    changeFrom: fromCommit ? 'commit' : 'push',
  };
  if (production === undefined) return facts;
  facts.productionAt = time(production);
  if (released !== undefined) facts.releasedAt = released;
  facts.outcome = outcomeOf(record.state, timeline);
  if (record.state === 'RolledBack') {
    const incident = incidentOf(timeline);
    if (incident) facts.incident = incident;
  }
  return facts;
}
