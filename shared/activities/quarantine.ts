import type { DeploymentRecord, DeploymentState } from '../domain/deployment.js';
import {
  DEFAULT_HOLDS,
  holdAfter,
  isActive,
  rollbackCause,
  rollbackEnvironment,
  type HoldRecord,
  type QuarantineRecord,
  type RollbackCause,
} from '../domain/quarantine.js';
import type { Ports } from '../ports/index.js';

/**
 * Quarantines a rolled back digest for its service. Idempotent: a retried activity (or a second write
 * for the same run) leaves the first row as it is; a later run of the same digest (after a lift) that
 * is rolled back again replaces the lifted row.
 */
export async function quarantineDigest(
  ports: Ports,
  q: {
    deployment: Pick<DeploymentRecord, 'id' | 'service' | 'image'>;
    reason: string;
    cause: RollbackCause;
    actor?: string;
    at: string;
  },
): Promise<QuarantineRecord> {
  const { service, image, id } = q.deployment;
  const existing = await ports.store.getQuarantine(service, image.digest);
  if (existing && isActive(existing) && existing.deploymentId === id) return existing;
  const record: QuarantineRecord = {
    service,
    digest: image.digest,
    deploymentId: id,
    reason: q.reason,
    cause: q.cause,
    ...(q.actor !== undefined && { actor: q.actor }),
    at: q.at,
  };
  await ports.store.putQuarantine(record);
  return record;
}

/** `Verifying->RolledBack` -> `Verifying`: the state a run was rolled back from. */
function fromState(title: string): DeploymentState {
  return (title.split('->')[0] ?? 'Queued') as DeploymentState;
}

/**
 * What a run's end leaves behind, applied where every end is recorded (the `record` activity): a
 * rolled back run quarantines its digest and, when rolled back by the pipeline itself and the service's
 * policy says so, holds the lane. A hold already set by this run is not written again (retries).
 */
export async function afterRunEnd(
  ports: Ports,
  record: DeploymentRecord,
  transition: { title: string; reason?: string; at: string },
): Promise<void> {
  if (record.state !== 'RolledBack') return;
  const { cause, actor } = rollbackCause(record);
  const reason = transition.reason ?? record.reason ?? 'rolled back';
  await quarantineDigest(ports, { deployment: record, reason, cause, actor, at: transition.at });
  if (cause !== 'automatic') return;
  const environment = rollbackEnvironment(fromState(transition.title));
  await holdLane(ports, { deployment: record, reason, environment, at: transition.at });
}

/**
 * Holds the service's lane after an automatic rollback, when its `holds` policy says so for the
 * environment. A hold already set for the same run is not written again (retried activities).
 */
export async function holdLane(
  ports: Ports,
  h: {
    deployment: Pick<DeploymentRecord, 'id' | 'service'>;
    reason: string;
    environment: 'staging' | 'production';
    at: string;
  },
): Promise<void> {
  const { id, service } = h.deployment;
  const policy = ports.config.plan(service)?.holds ?? DEFAULT_HOLDS;
  if (!holdAfter('RolledBack', 'automatic', h.environment, policy)) return;
  const current = await ports.store.getHold(service);
  if (current?.deploymentId === id) return;
  const hold: HoldRecord = {
    service,
    environment: h.environment,
    deploymentId: id,
    reason: `automatic rollback of ${id}: ${h.reason}`,
    at: h.at,
  };
  await ports.store.putHold(hold);
}

/** The lane's check before it takes a queued push: an active hold keeps everything queued. */
export async function activeHold(ports: Ports, service: string): Promise<HoldRecord | undefined> {
  const hold = await ports.store.getHold(service);
  return isActive(hold) ? hold : undefined;
}
