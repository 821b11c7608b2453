import type { RunInput } from '../contracts/activities.js';
import type { Ports } from '../ports/index.js';

/**
 * Takes the newest queued digest of a service. Older queued digests are superseded: a newer image makes
 * them pointless to deploy. Re-running after a crash finds the same row already `running` and returns it.
 */
export async function takeNext(
  ports: Ports,
  input: { service: string; at: string },
): Promise<{ run?: RunInput; superseded: string[] }> {
  const { store, config } = ports;
  const queue = await store.listQueue(input.service);
  const running = queue.find((q) => q.state === 'running');
  const queued = queue
    .filter((q) => q.state === 'queued')
    .sort((a, b) => a.enqueuedAt.localeCompare(b.enqueuedAt));
  const chosen = running ?? queued[queued.length - 1];
  if (!chosen) return { superseded: [] };
  const superseded: string[] = [];
  for (const item of queued) {
    if (item.digest === chosen.digest) continue;
    await store.setQueueState(input.service, item.digest, 'superseded');
    await store.updateDeployment(input.service, item.deploymentId, (d) =>
      d.state === 'Queued'
        ? { ...d, state: 'Superseded', reason: `superseded by ${chosen.deploymentId}`, updatedAt: input.at }
        : d,
    );
    superseded.push(item.deploymentId);
  }
  const plan = config.plan(input.service);
  const deployment = await store.getDeployment(input.service, chosen.deploymentId);
  if (!plan || !deployment) {
    // The service left the configuration, or the record is gone: nothing can run; drop the row.
    await store.setQueueState(input.service, chosen.digest, 'removed');
    return { superseded };
  }
  if (chosen.state !== 'running') await store.setQueueState(input.service, chosen.digest, 'running');
  return { run: { deployment, plan }, superseded };
}

export async function finishRun(
  ports: Ports,
  input: { service: string; digest: string; state: 'done' },
): Promise<void> {
  await ports.store.setQueueState(input.service, input.digest, input.state);
}
