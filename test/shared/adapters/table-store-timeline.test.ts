/**
 * `appendEvents` (one record call's timeline entries in one round trip) on both RunStores: the same
 * timeline as entry-by-entry `appendEvent`, the same idempotency on a replay, and on Table Storage one
 * entity-group transaction per 100 entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { TableRunStore } from '../../../shared/adapters/table-store.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import type { RunStore } from '../../../shared/ports/run-store.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { deployment, event } from '../ports/run-store-fixtures.js';
import { counting, nextPrefix } from './table-helpers.js';

let azurite: AzuriteHandle;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});

async function tableStore(): Promise<{ store: RunStore; sent: () => number }> {
  const { clientOptions, sent } = counting();
  const store = await TableRunStore.create({
    connectionString: azurite.connectionString,
    tablePrefix: nextPrefix(),
    clientOptions,
  });
  return { store, sent };
}

const seqs = (n: number, from = 1000): number[] => Array.from({ length: n }, (_, i) => from + i);

const cases: { name: string; id: string; batches: number[][]; expected: number[] }[] = [
  { name: 'one entry', id: 'api-a', batches: [[1000]], expected: [1000] },
  { name: 'three entries', id: 'api-b', batches: [[1000, 1001, 1002]], expected: [1000, 1001, 1002] },
  {
    name: 'a replayed call',
    id: 'api-c',
    batches: [
      [1000, 1001],
      [1000, 1001],
    ],
    expected: [1000, 1001],
  },
  { name: '250 entries (3 batches)', id: 'api-d', batches: [seqs(250)], expected: seqs(250) },
  { name: 'nothing', id: 'api-e', batches: [[]], expected: [] },
];

describe.each([
  ['MemoryRunStore', async () => ({ store: new MemoryRunStore() as RunStore, sent: () => 0 })],
  ['TableRunStore', tableStore],
] as const)('%s.appendEvents', (_name, make) => {
  it.each(cases)('$name: the timeline appendEvent would give', async ({ id, batches, expected }) => {
    const { store } = await make();
    await store.createDeployment({ ...deployment('api', id.slice(4)), id });
    for (const batch of batches) await store.appendEvents(batch.map((seq) => event(id, seq)));
    expect((await store.listEvents(id)).map((e) => e.seq)).toEqual(expected);
  });

  it('replaces an entry on a replay with the same seq, like appendEvent', async () => {
    const { store } = await make();
    await store.appendEvents([event('api-r', 1000), event('api-r', 1001)]);
    await store.appendEvents([event('api-r', 1001, { title: 'again' })]);
    expect((await store.listEvents('api-r')).map((e) => e.title)).toEqual(['entry 1000', 'again']);
  });

  it('refuses entries of two deployments, writing nothing', async () => {
    const { store } = await make();
    const mixed: TimelineEntry[] = [event('api-x', 1000), event('api-y', 1000)];
    await expect(store.appendEvents(mixed)).rejects.toThrow(/more than one deployment/);
    expect(await store.listEvents('api-x')).toEqual([]);
    expect(await store.listEvents('api-y')).toEqual([]);
  });
});

describe('TableRunStore.appendEvents round trips', () => {
  it.each([
    [1, 1],
    [2, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('%i entries: %i request(s)', async (n, requests) => {
    const { store, sent } = await tableStore();
    const before = sent();
    await store.appendEvents(seqs(n).map((seq) => event(`api-n${n}`, seq)));
    expect(sent() - before).toBe(requests);
  });
});
