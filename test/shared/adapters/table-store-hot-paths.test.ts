/**
 * The ingestion hot paths stay point operations however much history the tables hold: submitting an
 * image, looking a deployment up by id and checking a delivery id send the same, small number of
 * requests to an empty store and to one holding thousands of deployments of the same service, and
 * none of those requests is a query (a `$filter`, which Table Storage answers by scanning).
 */
import { TableClient, type TableTransaction } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { deploymentEntity } from '../../../shared/adapters/table-rows.js';
import { ID_INDEX_PARTITION, queueRowKey } from '../../../shared/adapters/table-keys.js';
import { TableRunStore } from '../../../shared/adapters/table-store.js';
import { submitImage } from '../../../shared/app/deployments.js';
import { deploymentIdFor } from '../../../shared/domain/image-ref.js';
import type { DeploymentRecord } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { nextPrefix } from './table-helpers.js';

const SERVICE = 'ApiGateway';
const HISTORY = 3000;
let azurite: AzuriteHandle;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});

/** A digest's hex whose first 12 characters (the deployment id's) differ for every `n`. */
const hex = (n: number, salt: string): string => `${salt}${n.toString(16).padStart(11, '0')}`.padEnd(64, '0');

/** Records every request the store's Table clients send. */
function recording(): { urls: string[]; options: ConstructorParameters<typeof TableRunStore>[0] } {
  const urls: string[] = [];
  return {
    urls,
    options: {
      connectionString: azurite.connectionString,
      tablePrefix: nextPrefix(),
      clientOptions: {
        additionalPolicies: [
          {
            position: 'perCall',
            policy: {
              name: 'record',
              sendRequest: (request, next) => {
                urls.push(`${request.method} ${decodeURIComponent(request.url)}`);
                return next(request);
              },
            },
          },
        ],
      },
    },
  };
}

/**
 * Finished deployments of SERVICE, with queue rows and index rows (where earlier versions wrote them,
 * still read), written in batches straight to the tables.
 */
async function plantHistory(prefix: string, count: number): Promise<void> {
  const client = (table: string): TableClient =>
    TableClient.fromConnectionString(azurite.connectionString, `${prefix}${table}`, {
      allowInsecureConnection: true,
    });
  const deployments = client('Deployments');
  for (let start = 0; start < count; start += 100) {
    const rows: DeploymentRecord[] = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      const digest = `sha256:${hex(i, 'f')}`;
      rows.push({
        id: deploymentIdFor(SERVICE, digest),
        service: SERVICE,
        image: { registry: 'hearloveen.azurecr.io', repository: 'api-gateway', tag: `0.${i}`, digest },
        state: 'Succeeded',
        source: 'event-grid',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        weight: 100,
      });
    }
    const batch = (actions: TableTransaction['actions']): Promise<unknown> =>
      actions.length ? deployments.submitTransaction(actions) : Promise.resolve();
    await batch(rows.map((r) => ['create', deploymentEntity(r)]));
    await batch(
      rows.map((r) => ['create', { partitionKey: ID_INDEX_PARTITION, rowKey: r.id, Service: SERVICE }]),
    );
    await deployments.submitTransaction(
      rows.map((r) => [
        'create',
        {
          partitionKey: SERVICE,
          rowKey: queueRowKey(r.image.digest),
          DeploymentId: r.id,
          EnqueuedAt: r.createdAt,
          State: 'done',
        },
      ]),
    );
  }
}

const lanes: string[] = [];
const control: OrchestrationControl = {
  ensureLane: async (service) => void lanes.push(service),
  raise: async () => 'accepted',
  start: async () => 'started',
  status: async () => undefined,
};

/** Requests of each hot path on one store: a new image, its redelivery, a lookup by id, a delivery check. */
async function hotPathRequests(history: number): Promise<Record<string, string[]>> {
  const { urls, options } = recording();
  const store = await TableRunStore.create(options);
  await plantHistory(options.tablePrefix, history);
  const ports = { store, config: FileConfigSource.load('config/gantry.example.yaml') } as unknown as Ports;
  const image = `hearloveen.azurecr.io/api-gateway:2.0.0@sha256:${hex(history + 1, 'a')}`;
  const submission = { image, source: 'event-grid', at: '2026-01-05T10:00:00.000Z' } as const;
  const measure = async (fn: () => Promise<unknown>): Promise<string[]> => {
    urls.length = 0;
    await fn();
    return [...urls];
  };
  const fresh = await measure(() => submitImage(ports, control, submission));
  const queuedAgain = await measure(() => submitImage(ports, control, submission));
  const id = deploymentIdFor(SERVICE, `sha256:${hex(history + 1, 'a')}`);
  await store.updateDeployment(SERVICE, id, (d) => ({ ...d, state: 'Gating' }));
  const takenAgain = await measure(() => submitImage(ports, control, submission));
  const byId = await measure(() => store.findDeployment(id));
  const delivery = await measure(() => store.deliveryRecorded('github', 'delivery-1'));
  return { fresh, queuedAgain, takenAgain, byId, delivery };
}

describe('TableRunStore hot paths with a large history', () => {
  it('send the same few point requests to an empty store and to one with thousands of deployments', async () => {
    const empty = await hotPathRequests(0);
    const large = await hotPathRequests(HISTORY);
    const shape = (requests: Record<string, string[]>): Record<string, number> =>
      Object.fromEntries(Object.entries(requests).map(([path, urls]) => [path, urls.length]));
    expect(shape(large)).toEqual(shape(empty));
    // A new image: the deployment read (404), its id's index row and `->Queued` entry in one
    // transaction, the deployment row and its queue row in another. No quarantine read: a digest can
    // only be quarantined once its deployment has ended. A duplicate: the deployment read alone.
    expect(shape(large)).toEqual({ fresh: 3, queuedAgain: 1, takenAgain: 1, byId: 2, delivery: 1 });
    expect(large.fresh?.[0]).toMatch(
      /Deployments\(PartitionKey='ApiGateway',RowKey='apigateway-a[0-9a-f]{11}'\)$/,
    );
    expect(large.fresh?.slice(1)).toEqual([
      expect.stringMatching(/^POST .*\/\$batch$/),
      expect.stringMatching(/^POST .*\/\$batch$/),
    ]);
    expect(large.queuedAgain).toEqual(large.fresh?.slice(0, 1));
    for (const urls of Object.values(large)) for (const url of urls) expect(url).not.toMatch(/Quarantine/);
    for (const urls of Object.values(large)) for (const url of urls) expect(url).not.toMatch(/\$filter/);
    expect(lanes.filter((s) => s === SERVICE)).toHaveLength(4); // fresh and queuedAgain, twice each
  }, 120_000);

  it('lists only the pending queue rows of a service with thousands of done ones', async () => {
    const { urls, options } = recording();
    const store = await TableRunStore.create(options);
    await plantHistory(options.tablePrefix, HISTORY);
    const digest = `sha256:${hex(HISTORY + 1, 'b')}`;
    const item = {
      service: SERVICE,
      digest,
      deploymentId: deploymentIdFor(SERVICE, digest),
      enqueuedAt: '2026-01-05T10:00:00.000Z',
      state: 'queued' as const,
    };
    await store.enqueue(item);
    urls.length = 0;
    expect(await store.listQueue(SERVICE, { pending: true })).toEqual([item]);
    // One page: the done rows stay on the server (the State clause), however many the lane has run.
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/State eq 'queued' or State eq 'running'/);
    expect(await store.listQueue(SERVICE)).toHaveLength(HISTORY + 1);
  }, 120_000);
});
