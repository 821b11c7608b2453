import { ROLLBACK_ORCHESTRATION, rollbackInstanceId, type RollbackInput } from '../contracts/rollback.js';
import type { ReleaseRecord, TimelineEntry } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { holdLane, quarantineDigest } from '../activities/quarantine.js';
import { AppError } from './errors.js';
import type { Principal } from './principal.js';
import { activeDeployment, knownService } from './queries.js';

export interface RollbackRequest {
  service: string;
  /** Deployment id of an earlier production release; the one before the current when omitted. */
  to?: string;
  comment: string;
  principal: Principal;
  at: string;
  /**
   * Set by rollbacks no person asked for (an alert webhook): the digest is quarantined as an automatic
   * rollback and the lane held as the service's `holds` policy says for production.
   */
  automatic?: boolean;
}

export interface RollbackResult {
  service: string;
  app: string;
  from: ReleaseRecord;
  to: ReleaseRecord;
  requestedBy: string;
  comment: string;
  at: string;
  /** The orchestration following the sync; its outcome lands in the `to` deployment's timeline. */
  instanceId: string;
}

/** Newest release per deployment id: the history holds every promotion and every earlier rollback. */
function pickTarget(releases: ReleaseRecord[], current: ReleaseRecord, to?: string): ReleaseRecord {
  if (to !== undefined) {
    const target = releases.find((r) => r.deploymentId === to);
    if (!target)
      throw new AppError(404, 'release-not-found', `Deployment '${to}' was never released to production.`);
    if (target.image.digest === current.image.digest)
      throw new AppError(409, 'already-current', `'${to}' is the current production release.`);
    return target;
  }
  const previous = releases.find((r) => r.image.digest !== current.image.digest);
  if (!previous)
    throw new AppError(409, 'no-previous-release', 'There is no earlier production release to go back to.');
  return previous;
}

/**
 * Points the production Argo CD application back at an earlier release's image. Deliberately not a new
 * pipeline run: that image already passed gates, tests and a canary, and a rollback is the way out of an
 * incident, so it must not wait on them again. The lane must be idle: a running pipeline owns the
 * application and would fight the rollback (stop it with abort first).
 */
export async function rollbackService(
  ports: Ports,
  control: OrchestrationControl,
  r: RollbackRequest,
): Promise<RollbackResult> {
  const service = knownService(ports, r.service);
  const plan = ports.config.plan(service);
  if (!plan) throw new AppError(404, 'unknown-service', `Service '${service}' is not configured.`);
  await assertIdle(ports, control, service);
  const releases = await ports.store.listReleases(service, 'production', 200);
  const [current] = releases;
  if (!current)
    throw new AppError(409, 'no-previous-release', `${service} has never been released to production.`);
  const target = pickTarget(releases, current, r.to);
  const input: RollbackInput = {
    service,
    app: plan.production.argoApp,
    binding: plan.production.image,
    image: target.image,
    deploymentId: target.deploymentId,
    actor: r.principal.name,
    // Production has no sync timeout of its own; promotion uses the staging one too.
    syncTimeoutMs: plan.staging.syncTimeout,
    fromDeploymentId: current.deploymentId,
    reason: r.comment,
    ...(plan.chat && plan.chat.length > 0 && { chat: plan.chat }),
  };
  const instanceId = rollbackInstanceId(service);
  if ((await control.start(ROLLBACK_ORCHESTRATION, instanceId, input)) === 'running')
    throw new AppError(409, 'rollback-running', `A rollback of ${service} is already in progress.`);
  // Recorded once the rollback is under way: from now on this is what production is meant to run.
  const release: ReleaseRecord = { ...target, releasedAt: r.at, via: 'rollback' };
  await ports.store.recordRelease(release);
  await audit(ports, r, input.app, current, target);
  await quarantineCurrent(ports, r, current);
  const result = { service, app: input.app, from: current, to: release, requestedBy: r.principal.name };
  return { ...result, comment: r.comment, at: r.at, instanceId };
}

/** A running pipeline owns the application and would fight the rollback; so would another rollback. */
async function assertIdle(ports: Ports, control: OrchestrationControl, service: string): Promise<void> {
  const running = await activeDeployment(ports, service);
  if (running)
    throw new AppError(409, 'pipeline-running', `Deployment ${running} is in flight for ${service}.`, {
      deploymentId: running,
    });
  const rollback = await control.status(rollbackInstanceId(service));
  if (rollback && (rollback.runtimeStatus === 'Running' || rollback.runtimeStatus === 'Pending'))
    throw new AppError(409, 'rollback-running', `A rollback of ${service} is already in progress.`);
}

/** The rollback shows in the timelines of both deployments: the one left and the one restored. */
async function audit(
  ports: Ports,
  r: RollbackRequest,
  app: string,
  from: ReleaseRecord,
  to: ReleaseRecord,
): Promise<void> {
  const evidence = {
    app,
    from: from.deploymentId,
    to: to.deploymentId,
    image: `${to.image.registry}/${to.image.repository}@${to.image.digest}`,
    principalSource: r.principal.source,
  };
  const base = { seq: Date.parse(r.at) * 1000, at: r.at, kind: 'action' as const, actor: r.principal.name };
  const entries: TimelineEntry[] = [
    { ...base, deploymentId: from.deploymentId, title: 'rollback:from', comment: r.comment, evidence },
    { ...base, deploymentId: to.deploymentId, title: 'rollback:to', comment: r.comment, evidence },
  ];
  for (const entry of entries) await ports.store.appendEvent(entry);
}

/** The digest rolled back from stays out of the lane; an automatic rollback also holds the lane. */
async function quarantineCurrent(ports: Ports, r: RollbackRequest, from: ReleaseRecord): Promise<void> {
  const deployment = { id: from.deploymentId, service: from.service, image: from.image };
  const reason = `service rolled back by ${r.principal.name}: ${r.comment}`;
  const cause = r.automatic ? 'automatic' : 'person';
  await quarantineDigest(ports, { deployment, reason, cause, actor: r.principal.name, at: r.at });
  if (r.automatic) await holdLane(ports, { deployment, reason, environment: 'production', at: r.at });
}
