import { Events, phaseInstanceId } from '../contracts/events.js';
import type { DeploymentRecord, TriggerSource } from '../domain/deployment.js';
import { deploymentIdFor } from '../domain/image-ref.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { submitImage } from './deployments.js';
import { AppError } from './errors.js';
import { pullRequestWake } from '../domain/pull-request-wake.js';
import type { WorkflowRunResult } from './github-events.js';
import type { PullClosed } from './github-pull-events.js';
import { imageOf, type RegistryAction } from './registry-events.js';

/** What a trigger did, in a form both logs and webhook responses can carry. */
export type TriggerOutcome =
  | { outcome: 'submitted'; deployment: DeploymentRecord; created: boolean }
  | { outcome: 'cancelled'; deploymentId: string }
  | { outcome: 'reported'; deploymentId: string; workflow: string }
  | { outcome: 'ignored'; note: string }
  /** A push Gantry will not act on, by rule (a quarantined digest): answered, counted, not retried. */
  | { outcome: 'refused'; code: string; note: string; details?: Record<string, unknown> };

type Pushed = Extract<RegistryAction, { kind: 'pushed' }>;
type Deleted = Extract<RegistryAction, { kind: 'deleted' }>;

/** A tagged push from any registry trigger; an unconfigured repository is ignored, not an error. */
export async function acceptPush(
  ports: Ports,
  control: OrchestrationControl,
  push: Pushed,
  source: TriggerSource,
  extra: { commitSha?: string; sourceRepository?: string } = {},
): Promise<TriggerOutcome> {
  const service = ports.config.serviceForImage({ ...push });
  if (!service) return { outcome: 'ignored', note: `no service deploys ${push.registry}/${push.repository}` };
  const at = new Date(ports.clock.now()).toISOString();
  try {
    const { deployment, created } = await submitImage(ports, control, {
      service,
      image: imageOf(push),
      source,
      pushedBy: push.pushedBy,
      commitSha: extra.commitSha,
      committedAt: await commitTime(ports, extra, at),
      at,
    });
    return { outcome: 'submitted', deployment, created };
  } catch (error) {
    // A redelivery would be refused again: answer normally so the registry stops retrying.
    if (error instanceof AppError && error.code === 'digest-quarantined')
      return { outcome: 'refused', code: error.code, note: error.message, details: error.details };
    throw error;
  }
}

/**
 * When the pushed image's commit was made, for DORA lead times. Best effort: a lookup that fails or a
 * time after the push (a skewed clock) leaves it unknown, and the lead time starts at the push instead.
 */
async function commitTime(
  ports: Ports,
  extra: { commitSha?: string; sourceRepository?: string },
  pushedAt: string,
): Promise<string | undefined> {
  if (!ports.source || !extra.commitSha || !extra.sourceRepository) return undefined;
  try {
    const time = await ports.source.commitTime(extra.sourceRepository, extra.commitSha);
    return time !== undefined && Date.parse(time) <= Date.parse(pushedAt) ? time : undefined;
  } catch {
    return undefined;
  }
}

/** A deleted digest that is still waiting in its lane's queue is taken off it (it can no longer be pulled). */
export async function withdrawImage(ports: Ports, deleted: Deleted): Promise<TriggerOutcome> {
  const service = ports.config.serviceForImage({ ...deleted });
  if (!service)
    return { outcome: 'ignored', note: `no service deploys ${deleted.registry}/${deleted.repository}` };
  const id = deploymentIdFor(service, deleted.digest);
  // A queued retry of the image (`<digest>-r<n>`) can no longer be pulled either.
  const queued = (await ports.store.listQueue(service, { pending: true })).find(
    (q) =>
      (q.digest === deleted.digest || q.digest.startsWith(`${deleted.digest}-r`)) && q.state === 'queued',
  );
  if (!queued) return { outcome: 'ignored', note: `${id} is not queued` };
  // Same order as a manual cancel of a queued deployment (`interrupt`): the queue row first, so the
  // lane's next `takeNext` no longer sees it.
  await ports.store.setQueueState(service, queued.digest, 'removed');
  const at = new Date(ports.clock.now()).toISOString();
  const record = await ports.store.updateDeployment(service, queued.deploymentId, (d) =>
    d.state === 'Queued' ? { ...d, state: 'Cancelled', reason: 'image deleted', updatedAt: at } : d,
  );
  if (record.state !== 'Cancelled') return { outcome: 'ignored', note: `${id} already started` };
  return { outcome: 'cancelled', deploymentId: record.id };
}

/**
 * A finished GitHub workflow run → `testResult` for the tests phase of the deployment named in its run
 * name. The workflow is identified by its file, matched against the service's configured test workflows.
 */
export async function reportWorkflowRun(
  ports: Ports,
  control: OrchestrationControl,
  run: WorkflowRunResult,
): Promise<TriggerOutcome> {
  const deployment = await ports.store.findDeployment(run.deploymentId);
  if (!deployment) return { outcome: 'ignored', note: `no deployment ${run.deploymentId}` };
  const tests = ports.config.plan(deployment.service)?.staging.tests ?? [];
  const workflow = tests.find(
    (t) => t.workflow === run.workflowFile && (!run.repository || t.repository === run.repository),
  );
  if (!workflow)
    return {
      outcome: 'ignored',
      note: `${run.workflowFile} is not a test workflow of ${deployment.service}`,
    };
  const raised = await control.raise(phaseInstanceId(deployment.id, 'tests'), Events.testResult.name, {
    workflow: workflow.name,
    conclusion: run.conclusion,
    runId: run.runId,
    url: run.url,
  });
  if (raised !== 'accepted')
    return { outcome: 'ignored', note: `tests of ${deployment.id} are not running (${raised})` };
  return { outcome: 'reported', deploymentId: deployment.id, workflow: workflow.name };
}

/**
 * A closed Gantry pull request → the `pullRequestClosed` event of the phase(s) that wait for it. Only a
 * hint: the phase reads the pull request from GitHub before acting, and keeps polling if this is lost.
 */
export async function reportPullRequestClosed(
  ports: Ports,
  control: OrchestrationControl,
  pull: PullClosed,
): Promise<TriggerOutcome> {
  const deployment = await ports.store.findDeployment(pull.deploymentId);
  if (!deployment) return { outcome: 'ignored', note: `no deployment ${pull.deploymentId}` };
  const plan = ports.config.plan(deployment.service);
  if (!plan) return { outcome: 'ignored', note: `no service ${deployment.service}` };
  const wake = pullRequestWake(plan, pull, deployment.id);
  if (wake.kind === 'ignore') return { outcome: 'ignored', note: wake.note };
  const payload = { repository: pull.repository, pull: pull.number, merged: pull.merged };
  const raised = await Promise.all(
    wake.instances.map((instance) => control.raise(instance, Events.pullRequestClosed.name, payload)),
  );
  if (!raised.includes('accepted'))
    return { outcome: 'ignored', note: `no phase of ${deployment.id} waits for a pull request` };
  return { outcome: 'reported', deploymentId: deployment.id, workflow: `pull request #${pull.number}` };
}

export function describeOutcome(outcome: TriggerOutcome): string {
  switch (outcome.outcome) {
    case 'submitted':
      return `${outcome.created ? 'queued' : 'already known'} ${outcome.deployment.id}`;
    case 'cancelled':
      return `cancelled ${outcome.deploymentId} (image deleted)`;
    case 'reported':
      return `reported ${outcome.workflow} to ${outcome.deploymentId}`;
    case 'ignored':
      return `ignored: ${outcome.note}`;
    case 'refused':
      return `refused (${outcome.code}): ${outcome.note}`;
  }
}
