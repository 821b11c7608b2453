import { TERMINAL_STATES, type DeploymentRecord, type TimelineEntry } from '../domain/deployment.js';
import { queueKeyOf, retryIdFor, retryRefusal } from '../domain/retry.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { findDeployment } from './deployments.js';
import { AppError } from './errors.js';
import { assertNotQuarantined } from './quarantine.js';

export interface RetryRequest {
  id: string;
  actor: string;
  comment?: string;
  at: string;
}

function refuse(id: string, refusal: NonNullable<ReturnType<typeof retryRefusal>>): AppError {
  return new AppError(409, refusal.code, refusal.message, { deployment: id, ...refusal.details });
}

/** The new run: the same image, commit and pusher as the run it retries; its own id, state and times. */
function retryRecord(target: DeploymentRecord, at: string): DeploymentRecord {
  return {
    id: retryIdFor(target.id),
    service: target.service,
    image: target.image,
    state: 'Queued',
    source: target.source,
    pushedBy: target.pushedBy,
    commitSha: target.commitSha,
    commitAuthor: target.commitAuthor,
    committedAt: target.committedAt,
    createdAt: at,
    updatedAt: at,
    weight: 0,
    retryOf: target.id,
  };
}

/** The audit entries: `->Queued` on the new run, `retry` on the one it retries, both with the actor. */
function auditEntries(target: DeploymentRecord, retry: DeploymentRecord, r: RetryRequest): TimelineEntry[] {
  const ms = Date.parse(r.at) * 1000;
  const image = `${target.image.registry}/${target.image.repository}@${target.image.digest}`;
  return [
    {
      deploymentId: retry.id,
      seq: ms - 1, // before anything the run records in the same millisecond, as for a push
      at: r.at,
      kind: 'transition',
      title: '->Queued',
      actor: r.actor,
      comment: r.comment,
      evidence: { source: 'retry', retryOf: target.id, image },
    },
    {
      deploymentId: target.id,
      seq: ms + 999, // the target has finished: nothing else is recorded on it in this millisecond
      at: r.at,
      kind: 'action',
      title: 'retry',
      actor: r.actor,
      comment: r.comment,
      evidence: { retriedBy: retry.id, previousState: target.state },
    },
  ];
}

/**
 * `POST /api/deployments/{id}/retry`: runs a failed, cancelled or rolled back deployment's image again as
 * a new deployment (`<id>-r<n>`) through the service's lane, like a push. The new id is deterministic, so
 * of two racing retries the store creates one run; the other is answered 409 `retry-exists` after making
 * sure the run it lost to is linked, queued and its lane awake (every step is idempotent, so a retry
 * interrupted half-way is completed by the next attempt rather than left stuck).
 */
export async function retryDeployment(
  ports: Ports,
  control: OrchestrationControl,
  r: RetryRequest,
): Promise<{ deployment: DeploymentRecord; retryOf: DeploymentRecord }> {
  const target = await findDeployment(ports, r.id);
  await assertNotQuarantined(ports, target.service, target.image.digest, 'retry', r.at);
  const existing = target.retriedBy ? await ports.store.findDeployment(target.retriedBy) : undefined;
  const refusal = retryRefusal(target, existing);
  if (refusal && !(refusal.code === 'retry-exists' && existing?.state === 'Queued'))
    throw refuse(r.id, refusal);
  const candidate = existing ?? retryRecord(target, r.at);
  const { record: retry, created } = await ports.store.createDeployment(candidate);
  if (created) for (const entry of auditEntries(target, retry, r)) await ports.store.appendEvent(entry);
  const linked = await ports.store.updateDeployment(target.service, target.id, (d) =>
    d.retriedBy === undefined ? { ...d, retriedBy: retry.id } : d,
  );
  await ports.store.enqueue({
    service: retry.service,
    digest: queueKeyOf(retry),
    deploymentId: retry.id,
    enqueuedAt: retry.createdAt,
    state: 'queued',
  });
  if (!TERMINAL_STATES.has(retry.state)) await control.ensureLane(retry.service, queueKeyOf(retry));
  const lost = created ? undefined : retryRefusal({ ...linked, retriedBy: retry.id }, retry);
  if (lost) throw refuse(r.id, lost);
  return { deployment: retry, retryOf: linked };
}
