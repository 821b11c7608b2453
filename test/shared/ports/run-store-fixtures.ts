/** Records and hostile inputs shared by the RunStore contract and the adapter's own tests. */
import { createHash } from 'node:crypto';
import type {
  ApprovalRecord,
  DeploymentRecord,
  QueueItem,
  ReleaseRecord,
  TimelineEntry,
} from '../../../shared/domain/deployment.js';
import type { RunStore } from '../../../shared/ports/run-store.js';
export const HOSTILE_KEYS = [
  'a/b',
  'a#b',
  'a?b',
  'a\\b',
  '\u0000',
  'x\u0085y',
  '',
  'k'.repeat(513),
  '\ud800',
];
export const INJECTION = "x' or PartitionKey ne '";

export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function deployment(
  service: string,
  seed: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord {
  const digest = digestOf(`${service}/${seed}`);
  return {
    id: `${service.toLowerCase()}-${digest.slice(7, 19)}`,
    service,
    image: { registry: 'gantry.azurecr.io', repository: `team/${service}`, tag: seed, digest },
    state: 'Queued',
    source: 'event-grid',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    weight: 0,
    ...extra,
  };
}

export function event(deploymentId: string, seq: number, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return { deploymentId, seq, at: '2025-01-01T00:00:00Z', kind: 'note', title: `entry ${seq}`, ...extra };
}

export function queued(service: string, seed: string, enqueuedAt: string): QueueItem {
  return { service, digest: digestOf(seed), deploymentId: `${service}-${seed}`, enqueuedAt, state: 'queued' };
}

export function release(
  deploymentId: string,
  releasedAt: string,
  environment: ReleaseRecord['environment'] = 'production',
): ReleaseRecord {
  const digest = digestOf(deploymentId);
  return {
    service: 'api',
    environment,
    deploymentId,
    releasedAt,
    image: { registry: 'r.io', repository: 'api', digest },
  };
}

export function approval(approver: string, at: string, extra: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    deploymentId: 'api-1',
    approver,
    decision: 'approve',
    at,
    accepted: true,
    groups: ['release-managers'],
    ...extra,
  };
}

/** One call per operation with `bad` in a key position; each must fail with `invalid-key`. */
export function hostileCalls(store: RunStore, bad: string): Array<() => Promise<unknown>> {
  const d = deployment('api', 'v1');
  return [
    () => store.createDeployment({ ...d, service: bad }),
    () => store.createDeployment({ ...d, id: bad }),
    () => store.getDeployment(bad, d.id),
    () => store.getDeployment('api', bad),
    () => store.findDeployment(bad),
    () => store.updateDeployment(bad, d.id, (c) => c),
    () => store.listDeployments({ service: bad }),
    () => store.appendEvent(event(bad, 0)),
    () => store.listEvents(bad),
    () => store.enqueue({ ...queued('api', 'x', '2025-01-01T00:00:00Z'), digest: bad }),
    () => store.listQueue(bad),
    () => store.setQueueState('api', bad, 'done'),
    () => store.recordRelease({ ...release('api-1', '2025-01-01T00:00:00Z'), deploymentId: bad }),
    () => store.listReleases(bad, 'production'),
    () => store.recordApproval({ ...approval('bob', '2025-01-01T00:00:00Z'), deploymentId: bad }),
    () => store.listApprovals(bad),
    () => store.recordDelivery(bad, 'delivery-1'),
    () => store.recordDelivery('github', bad),
    () => store.deliveryRecorded('github', bad),
  ];
}
