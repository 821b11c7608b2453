import { TableClient } from '@azure/data-tables';
import { deploymentEntity } from '../../shared/adapters/table-rows.js';
import { ID_INDEX_PARTITION, queueRowKey } from '../../shared/adapters/table-keys.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { deploymentIdFor } from '../../shared/domain/image-ref.js';
import { digest } from './driver.js';

function finished(service: string, i: number): DeploymentRecord {
  const d = digest();
  const at = new Date(Date.UTC(2025, 0, 1)).toISOString();
  return {
    id: deploymentIdFor(service, d),
    service,
    image: { registry: 'hearloveen.azurecr.io', repository: 'api-gateway', tag: `0.${i}`, digest: d },
    state: 'Succeeded',
    source: 'event-grid',
    createdAt: at,
    updatedAt: at,
    weight: 100,
  };
}

/**
 * History for the "large store" run: `count` finished deployments of `service`, with their id index rows
 * and (done) queue rows, written as the TableRunStore lays them out (its own row encoding), 100 rows per
 * entity-group transaction so that seeding 20,000 takes seconds. Not through the pipeline.
 */
export async function seedTables(
  connectionString: string,
  tablePrefix: string,
  service: string,
  count: number,
  progress: (message: string) => void,
): Promise<void> {
  const client = (table: string): TableClient =>
    TableClient.fromConnectionString(connectionString, `${tablePrefix}${table}`, {
      allowInsecureConnection: true,
    });
  // Index rows where earlier versions wrote them (still read), queue rows in the deployments' partition.
  const deployments = client('Deployments');
  for (let start = 0; start < count; start += 100) {
    const rows = Array.from({ length: Math.min(100, count - start) }, (_, k) => finished(service, start + k));
    await Promise.all([
      deployments.submitTransaction(rows.map((r) => ['create', deploymentEntity(r)])),
      deployments.submitTransaction(
        rows.map((r) => ['create', { partitionKey: ID_INDEX_PARTITION, rowKey: r.id, Service: service }]),
      ),
      deployments.submitTransaction(
        rows.map((r) => [
          'create',
          {
            partitionKey: service,
            rowKey: queueRowKey(r.image.digest),
            DeploymentId: r.id,
            EnqueuedAt: r.createdAt,
            State: 'done',
          },
        ]),
      ),
    ]);
    if ((start + 100) % 5000 === 0) progress(`seeded ${start + 100}`);
  }
}
