/**
 * The lane queue part of the Table Storage RunStore (table-store.ts): rows in `<prefix>Deployments`,
 * PK service, RK `~queue|<digest>`, with columns only (DeploymentId, EnqueuedAt, State). They share the
 * service's partition with its deployments so a deployment and its queue row are written in one
 * entity-group transaction.
 */
import type { QueueItem } from '../domain/deployment.js';
import { PENDING_QUEUE_ROWS, type Tables } from './table-client.js';
import {
  QUEUE_ROWS,
  assertQueueState,
  assertServiceKey,
  assertValidKey,
  byEnqueuedAt,
  checkQueueItem,
  digestOfQueueRow,
  notFound,
  queueRowKey,
} from './table-keys.js';
import { readQueueItem } from './table-rows.js';
import type { TableEntity } from './table-timeline.js';

export function queueEntity(item: QueueItem): TableEntity {
  checkQueueItem(item);
  return {
    partitionKey: item.service,
    rowKey: queueRowKey(item.digest),
    DeploymentId: item.deploymentId,
    EnqueuedAt: item.enqueuedAt,
    State: item.state,
  };
}

export async function enqueue(tables: Tables, item: QueueItem): Promise<boolean> {
  const entity = queueEntity(item);
  return (await tables.attempt('deployments', 'enqueue', (c) => c.createEntity(entity), 409)).ok;
}

/**
 * Oldest first (by `enqueuedAt`, then digest). A bounded query: the queue rows of one partition; with
 * `pending`, only those still queued or running, so a lane's history of done rows is not sent back.
 */
export async function listQueue(
  tables: Tables,
  service: string,
  options?: { pending?: boolean },
): Promise<QueueItem[]> {
  assertServiceKey(service);
  const where = options?.pending ? PENDING_QUEUE_ROWS : undefined;
  const rows = await tables.listPartition('deployments', 'list queue', service, Infinity, QUEUE_ROWS, where);
  return rows
    .map((row) => readQueueItem({ ...row, rowKey: digestOfQueueRow(row.rowKey) }))
    .sort(byEnqueuedAt);
}

export async function setQueueState(
  tables: Tables,
  service: string,
  digest: string,
  state: QueueItem['state'],
): Promise<void> {
  assertServiceKey(service);
  assertValidKey(digest, 'digest');
  assertQueueState(state);
  // Merge without creating: an upsert would leave a queue row without a deployment id.
  const entity = { partitionKey: service, rowKey: queueRowKey(digest), State: state };
  const done = await tables.attempt(
    'deployments',
    'set queue state',
    (c) => c.updateEntity(entity, 'Merge'),
    404,
  );
  if (!done.ok) throw notFound(`Queue item ${digest} of ${service}`);
}
