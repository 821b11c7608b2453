import { Events, PHASES, phaseInstanceId, pipelineInstanceId } from '../contracts/events.js';
import { ringCanaryInstanceIds, trainInstanceIds } from '../domain/rings.js';
import type { ImageRef } from '../contracts/plan.js';
import {
  TERMINAL_STATES,
  type DeploymentRecord,
  type InterruptKind,
  type TimelineEntry,
  type TriggerSource,
} from '../domain/deployment.js';
import { deploymentIdFor, ImageRefError, parseImageRef } from '../domain/image-ref.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { announceIfQueued } from './announce.js';
import { AppError } from './errors.js';
import { assertNotQuarantined } from './quarantine.js';

export interface Submission {
  /** Full reference; must carry a digest (the identity of a release). */
  image: string;
  /** When omitted, the service is found from the image's registry and repository. */
  service?: string;
  source: TriggerSource;
  pushedBy?: string;
  commitSha?: string;
  commitAuthor?: string;
  /** ISO 8601 commit time, when the caller knows it (the start of the DORA lead time). */
  committedAt?: string;
  at: string;
}

function parseSubmittedImage(text: string): ImageRef {
  let ref;
  try {
    ref = parseImageRef(text);
  } catch (error) {
    if (error instanceof ImageRefError) throw new AppError(400, 'invalid-image', error.message);
    throw error;
  }
  if (!ref.digest)
    throw new AppError(
      400,
      'image-digest-required',
      'The image reference must include a digest (@sha256:...).',
    );
  return { registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest };
}

/**
 * Records a pushed image as a Queued deployment and wakes its service lane. Idempotent: the same digest
 * for the same service is one deployment however often, and however concurrently, it arrives.
 */
export async function submitImage(
  ports: Ports,
  control: OrchestrationControl,
  s: Submission,
): Promise<{ deployment: DeploymentRecord; created: boolean }> {
  const image = parseSubmittedImage(s.image);
  const requested = s.service ?? ports.config.serviceForImage(image);
  if (!requested)
    throw new AppError(
      422,
      'unknown-repository',
      `No configured service deploys ${image.registry}/${image.repository}.`,
    );
  const plan = ports.config.pushTarget ? ports.config.pushTarget(requested) : ports.config.plan(requested);
  if (!plan) throw new AppError(404, 'unknown-service', `Service '${requested}' is not configured.`);
  // Names match in any casing; the record always carries the configured one (table keys, lanes).
  const service = plan.service;
  if (!ports.config.servesRepository(service, image))
    throw new AppError(
      400,
      'repository-mismatch',
      `Service '${service}' does not deploy ${image.registry}/${image.repository}.`,
      { service, registry: image.registry, repository: image.repository },
    );
  const id = deploymentIdFor(service, image.digest);
  const record: DeploymentRecord = {
    id,
    service,
    image,
    state: 'Queued',
    source: s.source,
    pushedBy: s.pushedBy,
    commitSha: s.commitSha,
    commitAuthor: s.commitAuthor,
    committedAt: s.committedAt,
    createdAt: s.at,
    updatedAt: s.at,
    weight: 0,
  };
  const queueItem = {
    service,
    digest: image.digest,
    deploymentId: id,
    enqueuedAt: s.at,
    state: 'queued',
  } as const;
  // Recorded, timeline entry and queue row written with it only if new (3 requests on Table Storage,
  // the queue row atomically with the record, so a known deployment never needs it repaired); a
  // redelivery is 1 point read.
  const { record: stored, created } = await ports.store.createDeployment(record, {
    entry: queuedEntry(id, s),
    queueItem,
  });
  // A rolled back digest stays out until an Operator lifts its quarantine. Only a run of this digest
  // can have quarantined it, and every run of it follows this deployment (retries are retries of it), so
  // a digest whose deployment is new, or has not ended, cannot be quarantined: the point read is paid
  // only by pushes of ended images. The refused push wrote nothing.
  if (!created && TERMINAL_STATES.has(stored.state))
    await assertNotQuarantined(ports, service, image.digest, s.source, s.at);
  // A redelivery of an image its lane already took (or that ended): nothing is left to queue or wake.
  if (!created && stored.state !== 'Queued') return { deployment: stored, created };
  if (TERMINAL_STATES.has(stored.state)) return { deployment: stored, created };
  const behind = (await control.ensureLane(service, image.digest)) ?? undefined;
  await announceIfQueued(control, plan, { created, behind, deploymentId: id, service, at: s.at });
  return { deployment: stored, created };
}

function queuedEntry(deploymentId: string, s: Submission): TimelineEntry {
  return {
    deploymentId,
    seq: Date.parse(s.at) * 1000 - 1, // before anything the run records in the same millisecond
    at: s.at,
    kind: 'transition',
    title: '->Queued',
    actor: s.pushedBy,
    evidence: { source: s.source, image: s.image },
  };
}

export async function findDeployment(ports: Ports, id: string): Promise<DeploymentRecord> {
  const deployment = await ports.store.findDeployment(id);
  if (!deployment) throw new AppError(404, 'deployment-not-found', `No deployment '${id}'.`);
  return deployment;
}

/** Durable runtime statuses of an instance that will never read another event. */
const FINISHED_INSTANCE = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

const finished = (id: string, why: string): AppError =>
  new AppError(409, 'deployment-finished', `Deployment ${id} already ended (${why}).`);

/**
 * Cancel, abort or skip-analysis. Stored on the deployment record first (a guarded write that loses to the
 * run claiming its end), then raised to every phase: the running one reacts at once, and a phase that
 * did not exist yet reads the stored interrupt when it starts. So a 202 means the run will honour it.
 */
export async function interrupt(
  ports: Ports,
  control: OrchestrationControl,
  id: string,
  kind: InterruptKind,
  actor: string,
  reason: string,
): Promise<DeploymentRecord> {
  const deployment = await findDeployment(ports, id);
  if (TERMINAL_STATES.has(deployment.state)) throw finished(id, deployment.state);
  const ringCanary =
    kind === 'skipAnalysis' && deployment.state === 'Verifying'
      ? await runningRingCanary(ports, control, deployment)
      : undefined;
  if (kind === 'skipAnalysis' && deployment.state !== 'Canary' && !ringCanary) {
    throw new AppError(
      409,
      'not-in-canary',
      `skip-analysis applies during the canary; the deployment is ${deployment.state}.`,
    );
  }
  if (deployment.state === 'Queued' && kind !== 'skipAnalysis') {
    // Not picked by its lane yet: take it off the queue so it never starts.
    const queued = (await ports.store.listQueue(deployment.service, { pending: true })).find(
      (q) => q.deploymentId === id && q.state === 'queued',
    );
    if (queued) {
      await ports.store.setQueueState(deployment.service, queued.digest, 'removed');
      return ports.store.updateDeployment(deployment.service, id, (d) =>
        d.state === 'Queued' ? { ...d, state: 'Cancelled', reason: `${kind} by ${actor}: ${reason}` } : d,
      );
    }
  }
  // The record may lag the instance by one write: a pipeline that returned reads nothing any more.
  const pipeline = await control.status(pipelineInstanceId(id));
  if (pipeline && FINISHED_INSTANCE.has(pipeline.runtimeStatus)) throw finished(id, 'its run has completed');
  const stored = await storeInterrupt(ports, deployment, kind, actor, reason);
  const event = Events[kind].name;
  const payload = { actor, reason };
  const plan = ports.config.plan(deployment.service);
  const instances = [
    ...PHASES.map((p) => phaseInstanceId(id, p)),
    ...(plan ? trainInstanceIds(id, plan) : []),
  ];
  await Promise.all(instances.map((instance) => control.raise(instance, event, payload)));
  return stored;
}

/** A later ring of a release train in its canary (the record says Verifying: ring 0 is past it). */
async function runningRingCanary(
  ports: Ports,
  control: OrchestrationControl,
  deployment: DeploymentRecord,
): Promise<string | undefined> {
  const plan = ports.config.plan(deployment.service);
  for (const instance of plan ? ringCanaryInstanceIds(deployment.id, plan) : []) {
    if ((await control.status(instance))?.runtimeStatus === 'Running') return instance;
  }
  return undefined;
}

/** Appends the interrupt unless the run ended or claimed its end; one per kind is enough to honour. */
async function storeInterrupt(
  ports: Ports,
  deployment: DeploymentRecord,
  kind: InterruptKind,
  actor: string,
  reason: string,
): Promise<DeploymentRecord> {
  const at = new Date(ports.clock.now()).toISOString();
  let refusal: string | undefined;
  const stored = await ports.store.updateDeployment(deployment.service, deployment.id, (d) => {
    refusal = TERMINAL_STATES.has(d.state) ? d.state : d.finishing ? 'its run is finishing' : undefined;
    if (refusal || d.interrupts?.some((i) => i.kind === kind)) return d;
    return { ...d, interrupts: [...(d.interrupts ?? []), { kind, actor, reason, at }] };
  });
  if (refusal) throw finished(deployment.id, refusal);
  return stored;
}

/** Continues a canary paused because an analysis limit was exhausted; 409 unless it is paused. */
export async function resumeAnalysis(
  ports: Ports,
  control: OrchestrationControl,
  id: string,
  actor: string,
  reason: string,
): Promise<DeploymentRecord> {
  const deployment = await findDeployment(ports, id);
  const instance = phaseInstanceId(id, 'canary');
  const status = deployment.state === 'Canary' ? await control.status(instance) : undefined;
  const custom = status?.customStatus as { paused?: unknown } | undefined;
  if (status?.runtimeStatus !== 'Running' || custom?.paused !== true) {
    throw new AppError(409, 'not-paused', `Deployment ${id} has no paused canary analysis to resume.`);
  }
  await control.raise(instance, Events.resume.name, { actor, reason });
  return deployment;
}
