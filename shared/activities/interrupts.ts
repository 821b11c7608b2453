import type { StoredInterrupt } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';

interface RunRef {
  service: string;
  deploymentId: string;
}

/**
 * The interrupts the API stored for a run. Every phase reads them when it starts: an event raised while
 * no phase instance existed yet (between two phases, or before the first) is not lost.
 */
export async function storedInterrupts(ports: Ports, input: RunRef): Promise<StoredInterrupt[]> {
  const record = await ports.store.getDeployment(input.service, input.deploymentId);
  return record?.interrupts ?? [];
}

/**
 * Claims the end of the run: from this write on the API answers 409 to an interrupt, and whatever it
 * stored before is returned so the run honours it. One guarded write decides which came first.
 */
export async function claimFinish(ports: Ports, input: RunRef): Promise<StoredInterrupt[]> {
  const record = await ports.store.updateDeployment(input.service, input.deploymentId, (d) => ({
    ...d,
    finishing: true,
  }));
  return record.interrupts ?? [];
}
