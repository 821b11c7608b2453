import { TableClient } from '@azure/data-tables';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { TableRunStore, type TableRunStoreOptions } from '../../../shared/adapters/table-store.js';
import { ConcurrencyError, RunStoreError } from '../../../shared/ports/run-store.js';
import { HOSTILE_KEYS, INJECTION, deployment, hostileCalls } from '../ports/run-store-fixtures.js';
import { runStoreContract } from '../ports/run-store-contract.js';
import { counting, nextPrefix } from './table-helpers.js';

let azurite: AzuriteHandle;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await azurite?.stop();
});

function options(extra: Partial<TableRunStoreOptions> = {}): TableRunStoreOptions {
  return { connectionString: azurite.connectionString, tablePrefix: nextPrefix(), ...extra };
}

/** A raw client on one of the store's tables, to look at the layout and plant bad rows. */
function raw(prefix: string, table: string): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, `${prefix}${table}`, {
    allowInsecureConnection: true,
  });
}

runStoreContract('TableRunStore', () => TableRunStore.create(options()));

describe('TableRunStore: layout and guards', () => {
  it('rejects hostile keys before sending any request', async () => {
    const { sent, clientOptions } = counting();
    const store = new TableRunStore(options({ clientOptions }));
    for (const bad of HOSTILE_KEYS) {
      for (const call of hostileCalls(store, bad)) await expect(call()).rejects.toBeInstanceOf(RunStoreError);
    }
    expect(sent()).toBe(0);
  });

  it('escapes a quote-injection attempt instead of widening the filter', async () => {
    const urls: string[] = [];
    const spy = counting((url) => (urls.push(url), url));
    const store = await TableRunStore.create(options({ clientOptions: spy.clientOptions }));
    await store.createDeployment(deployment('x', 'v1'));
    await store.createDeployment(deployment('y', 'v1'));
    expect(await store.listDeployments({ service: INJECTION })).toEqual({ items: [] });
    const filter = new URL(urls.at(-1) ?? '').searchParams.get('$filter');
    expect(filter).toBe(
      "PartitionKey eq 'x'' or PartitionKey ne ''' and (RowKey lt '~queue|' or RowKey ge '~queue}')",
    );
  });

  it('stores deployments with filter columns, an id index row and JSON split under the property limit', async () => {
    const opts = options();
    const store = await TableRunStore.create(opts);
    const d = deployment('Api', 'v1', {
      createdAt: '2025-01-02T03:04:05.678+01:00',
      reason: 'é'.repeat(10_000),
    });
    await store.createDeployment(d);
    const table = raw(opts.tablePrefix, 'Deployments');
    const row = await table.getEntity<Record<string, unknown>>('Api', d.id);
    expect(row).toMatchObject({ Service: 'Api', State: 'Queued', CreatedAt: d.createdAt, JsonParts: 3 });
    expect(row.CreatedTime).toEqual(new Date('2025-01-02T02:04:05.678Z'));
    for (const part of ['Json0', 'Json1', 'Json2']) {
      expect(String(row[part]).length).toBeLessThanOrEqual(30_000);
      // ASCII only, so Azurite's chunk-wise body decoding cannot split a character.
      expect(String(row[part])).toMatch(/^[\x20-\x7e]*$/);
    }
    const events = raw(opts.tablePrefix, 'DeploymentEvents');
    expect(await events.getEntity(d.id, '~index')).toMatchObject({ Service: 'Api' });
    expect(await store.findDeployment(d.id)).toEqual(d);
  });

  it('keys releases by inverted time and approvals by time and encoded approver', async () => {
    const opts = options();
    const store = await TableRunStore.create(opts);
    const image = { registry: 'r.io', repository: 'api', digest: 'sha256:00' };
    await store.recordRelease({
      service: 'api',
      environment: 'staging',
      deploymentId: 'api-1',
      image,
      releasedAt: '2025-01-01T00:00:00Z',
    });
    const release = (await raw(opts.tablePrefix, 'Releases').listEntities().next()).value;
    const inverted = String(8_640_000_000_000_000 - Date.parse('2025-01-01T00:00:00Z')).padStart(16, '0');
    expect(release).toMatchObject({ partitionKey: 'api|staging', rowKey: `${inverted}|api-1` });

    const approval = {
      deploymentId: 'api-1',
      approver: 'a#EXT#/b',
      decision: 'approve' as const,
      at: '2025-01-01T01:00:00+01:00',
      accepted: true,
      groups: [],
    };
    await store.recordApproval(approval);
    const row = (await raw(opts.tablePrefix, 'Approvals').listEntities().next()).value;
    expect(row).toMatchObject({
      partitionKey: 'api-1',
      rowKey: '2025-01-01T00:00:00.000Z|a%23EXT%23%2Fb',
      Approver: 'a#EXT#/b',
    });
  });

  it('gives up with ConcurrencyError when every guarded write loses, after the configured attempts', async () => {
    const opts = options({ maxUpdateAttempts: 3 });
    const store = await TableRunStore.create(opts);
    const d = deployment('api', 'v1');
    await store.createDeployment(d);
    const table = raw(opts.tablePrefix, 'Deployments');
    const realGet = TableClient.prototype.getEntity;
    // Another writer slips in after every read, so every ETag the store holds is stale.
    vi.spyOn(TableClient.prototype, 'getEntity').mockImplementation(async function (
      this: TableClient,
      ...args
    ) {
      const result = await realGet.apply(this, args);
      if (this.tableName.endsWith('Deployments') && args[0] === 'api')
        await table.updateEntity({ partitionKey: 'api', rowKey: d.id }, 'Merge');
      return result as never;
    });
    const change = vi.fn((c: typeof d) => ({ ...c, weight: c.weight + 1 }));
    const error = await store.updateDeployment('api', d.id, change).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'concurrency-conflict' });
    expect(change).toHaveBeenCalledTimes(3);
    vi.restoreAllMocks();
    expect((await store.getDeployment('api', d.id))?.weight).toBe(0);
  });

  it('fills pages when the service returns short ones, and pages on from where it stopped', async () => {
    const capped = counting((url) =>
      // Like Azure at partition boundaries or its 5-second limit: fewer rows than asked for, plus a token.
      url.replace(/\$top=(\d+)/, (_, top: string) => `$top=${Math.min(Number(top), 3)}`),
    );
    const store = await TableRunStore.create(options({ clientOptions: capped.clientOptions }));
    const all = Array.from({ length: 40 }, (_, i) => deployment('api', `v${i}`));
    await Promise.all(all.map((d) => store.createDeployment(d)));
    const before = capped.sent();
    const first = await store.listDeployments({ pageSize: 10 });
    expect(first.items).toHaveLength(10);
    expect(capped.sent() - before).toBe(4);
    // Ten round trips of three rows at most, then the rest is left to the token.
    const big = await store.listDeployments({ pageSize: 50 });
    expect(big.items).toHaveLength(30);
    const rest = await store.listDeployments({ pageSize: 50, continuationToken: big.continuationToken });
    expect(rest.continuationToken).toBeUndefined();
    expect(new Set([...big.items, ...rest.items].map((d) => d.id))).toEqual(new Set(all.map((d) => d.id)));
  });

  it('pages across partitions whose names are not ASCII', async () => {
    const store = await TableRunStore.create(options());
    const services = ['zürich', 'ångström', '東京'];
    for (const s of services) for (const v of ['a', 'b']) await store.createDeployment(deployment(s, v));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.listDeployments({ pageSize: 1, continuationToken: token });
      seen.push(...page.items.map((d) => d.id));
      token = page.continuationToken;
    } while (token !== undefined);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('reports rows it cannot decode as corrupt-record', async () => {
    const opts = options();
    const store = await TableRunStore.create(opts);
    await raw(opts.tablePrefix, 'Deployments').createEntity({
      partitionKey: 'api',
      rowKey: 'api-1',
      JsonParts: 2,
      Json0: '{',
    });
    await raw(opts.tablePrefix, 'Deployments').createEntity({ partitionKey: '~ids', rowKey: 'api-2' });
    await raw(opts.tablePrefix, 'Deployments').createEntity({
      partitionKey: 'api',
      rowKey: 'api-3',
      JsonParts: 1,
      Json0: '{',
    });
    await raw(opts.tablePrefix, 'Deployments').createEntity({
      partitionKey: 'api',
      rowKey: '~queue|sha256:1',
      State: 'queued',
    });
    for (const call of [
      () => store.getDeployment('api', 'api-1'),
      () => store.findDeployment('api-2'),
      () => store.getDeployment('api', 'api-3'),
      () => store.listQueue('api'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'corrupt-record' });
    }
  });
});
