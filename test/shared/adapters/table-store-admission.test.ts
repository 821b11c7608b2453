/**
 * How TableRunStore records a pushed image (`createDeployment` with its first entry and queue item): an
 * attempt that stopped half-way is completed by the next one, and rows written by earlier versions (the id
 * index in `Deployments`/`~ids`) are still found.
 */
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { deploymentEntity } from '../../../shared/adapters/table-rows.js';
import { TableRunStore, type TableRunStoreOptions } from '../../../shared/adapters/table-store.js';
import type { DeploymentRecord, QueueItem, TimelineEntry } from '../../../shared/domain/deployment.js';
import { deployment, event } from '../ports/run-store-fixtures.js';
import { counting, nextPrefix } from './table-helpers.js';

let azurite: AzuriteHandle;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});

function options(): TableRunStoreOptions {
  return { connectionString: azurite.connectionString, tablePrefix: nextPrefix() };
}

function raw(prefix: string, table: string): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, `${prefix}${table}`, {
    allowInsecureConnection: true,
  });
}

function admission(d: DeploymentRecord): { entry: TimelineEntry; queueItem: QueueItem } {
  return {
    entry: event(d.id, 1000, { kind: 'transition', title: '->Queued' }),
    queueItem: {
      service: d.service,
      digest: d.image.digest,
      deploymentId: d.id,
      enqueuedAt: d.createdAt,
      state: 'queued',
    },
  };
}

describe('TableRunStore: recording a pushed image', () => {
  it('completes an attempt that stopped after claiming the id: record and queue row, entry kept once', async () => {
    const opts = options();
    const store = await TableRunStore.create(opts);
    const d = deployment('api', 'v1');
    const { entry, queueItem } = admission(d);
    // The first attempt's claim transaction landed (index row and entry), then the process stopped.
    await raw(opts.tablePrefix, 'DeploymentEvents').createEntity({
      partitionKey: d.id,
      rowKey: '~index',
      Service: 'api',
    });
    await store.appendEvent(entry);
    expect(await store.findDeployment(d.id)).toBeUndefined();
    const retried = await store.createDeployment(d, { entry: { ...entry, seq: 2000 }, queueItem });
    expect(retried.created).toBe(true);
    expect(await store.findDeployment(d.id)).toEqual(d);
    expect(await store.listQueue('api')).toEqual([queueItem]);
    expect((await store.listEvents(d.id)).map((e) => e.seq)).toEqual([1000]);
  });

  it('finds deployments indexed by earlier versions, and a redelivery of one is a single read', async () => {
    const opts = options();
    const { clientOptions, sent } = counting();
    const store = await TableRunStore.create({ ...opts, clientOptions });
    const d = deployment('api', 'v2');
    await raw(opts.tablePrefix, 'Deployments').createEntity(deploymentEntity(d));
    await raw(opts.tablePrefix, 'Deployments').createEntity({
      partitionKey: '~ids',
      rowKey: d.id,
      Service: 'api',
    });
    expect(await store.findDeployment(d.id)).toEqual(d);
    const before = sent();
    expect(await store.createDeployment(d, admission(d))).toEqual({ record: d, created: false });
    expect(sent() - before).toBe(1);
  });
});
