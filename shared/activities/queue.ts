import type { RunInput } from '../contracts/activities.js';
import type { DeploymentRecord, QueueItem } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import { activeHold } from './quarantine.js';

/** An active hold the lane reports instead of taking a push (lifted by an Operator). */
export interface LaneHold {
  deploymentId: string;
  reason: string;
  since: string;
}

/**
 * Takes the newest queued digest of a service. Older queued digests are superseded: a newer image makes
 * them pointless to deploy. A queued row whose deployment is no longer `Queued` (cancelled, or its image
 * deleted, while the lane was deciding) is dropped rather than run. Re-running after a crash finds the
 * same row already `running` and returns it.
 */
export async function takeNext(
  ports: Ports,
  input: { service: string; at: string },
): Promise<{ run?: RunInput; superseded: string[]; held?: LaneHold }> {
  const { store, config } = ports;
  const queue = await store.listQueue(input.service, { pending: true });
  const running = queue.find((q) => q.state === 'running');
  // A hold keeps new pushes queued (not superseded: the newest is taken once it lifts); a run already
  // taken before a crash is finished regardless.
  const hold = running ? undefined : await activeHold(ports, input.service);
  if (hold)
    return { superseded: [], held: { deploymentId: hold.deploymentId, reason: hold.reason, since: hold.at } };
  const queued = queue
    .filter((q) => q.state === 'queued')
    .sort((a, b) => a.enqueuedAt.localeCompare(b.enqueuedAt));
  let chosen: QueueItem | undefined = running;
  let deployment: DeploymentRecord | undefined =
    running && (await store.getDeployment(input.service, running.deploymentId));
  while (!chosen && queued.length > 0) {
    const candidate = queued.pop() as QueueItem;
    const record = await store.getDeployment(input.service, candidate.deploymentId);
    if (record?.state === 'Queued') {
      chosen = candidate;
      deployment = record;
    } else {
      await store.setQueueState(input.service, candidate.digest, 'removed');
    }
  }
  if (!chosen) return { superseded: [] };
  const superseded = await supersede(ports, input, queued, chosen);
  const plan = config.plan(input.service);
  if (!plan || !deployment) {
    // The service left the configuration, or the record is gone: nothing can run; drop the row.
    await store.setQueueState(input.service, chosen.digest, 'removed');
    return { superseded };
  }
  if (chosen.state !== 'running') await store.setQueueState(input.service, chosen.digest, 'running');
  return { run: { deployment, plan }, superseded };
}

async function supersede(
  ports: Ports,
  input: { service: string; at: string },
  older: QueueItem[],
  chosen: QueueItem,
): Promise<string[]> {
  const superseded: string[] = [];
  for (const item of older) {
    if (item.digest === chosen.digest) continue;
    await ports.store.setQueueState(input.service, item.digest, 'superseded');
    await ports.store.updateDeployment(input.service, item.deploymentId, (d) =>
      d.state === 'Queued'
        ? { ...d, state: 'Superseded', reason: `superseded by ${chosen.deploymentId}`, updatedAt: input.at }
        : d,
    );
    superseded.push(item.deploymentId);
  }
  return superseded;
}

export async function finishRun(
  ports: Ports,
  input: { service: string; digest: string; state: 'done' },
): Promise<void> {
  await ports.store.setQueueState(input.service, input.digest, input.state);
}
