import { pipelineInstanceId } from '../contracts/events.js';
import { decidedBy, type DecidedBy } from '../domain/decided-by.js';
import { ringViews, type RingView } from '../domain/ring-view.js';
import type { DeploymentRecord, TimelineEntry } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { findDeployment } from './deployments.js';

export interface LiveStatus {
  /** Gantry's words for the Durable runtime status; never the raw management URLs (they carry keys). */
  running: boolean;
  stage?: string;
  step?: string;
  weight?: number;
  failedChecks?: number;
  waitingFor?: string;
  since?: string;
}

export interface DeploymentView {
  deployment: DeploymentRecord;
  timeline: TimelineEntry[];
  live: LiveStatus;
  /** Rolled back or failed: the entry that decided it (see `decidedBy`). */
  decidedBy?: DecidedBy;
  /** A release train (`production.rings`): which version runs in which ring. */
  rings?: RingView[];
}

const pick = (o: unknown): Record<string, unknown> =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};

/** Record, ordered timeline and the live status of the pipeline and of the phase it is in. */
export async function describeDeployment(
  ports: Ports,
  control: OrchestrationControl,
  id: string,
): Promise<DeploymentView> {
  const deployment = await findDeployment(ports, id);
  const [timeline, pipeline] = await Promise.all([
    ports.store.listEvents(id),
    control.status(pipelineInstanceId(id)),
  ]);
  const live: LiveStatus = {
    running: pipeline?.runtimeStatus === 'Running' || pipeline?.runtimeStatus === 'Pending',
  };
  const top = pick(pipeline?.customStatus);
  if (live.running && typeof top.phaseInstanceId === 'string') {
    const phase = pick((await control.status(top.phaseInstanceId))?.customStatus);
    Object.assign(live, {
      stage: phase.stage ?? top.stage,
      step: phase.step,
      weight: phase.weight ?? deployment.weight,
      failedChecks: phase.failedChecks,
      waitingFor: phase.waitingFor,
      since: phase.since ?? top.since,
    });
  }
  const decided = decidedBy(deployment, timeline);
  const rings = ringViews(ports.config.plan(deployment.service), deployment, timeline, live.weight);
  return { deployment, timeline, live, ...(decided && { decidedBy: decided }), ...(rings && { rings }) };
}
