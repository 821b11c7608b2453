/**
 * The embedded Azurite's point lookups take the narrower LokiJS index: the same answers, and the number
 * of entities compared stays small however large the partition (counted, not timed).
 */
import { createRequire } from 'node:module';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import {
  indexPointLookups,
  narrowestFirst,
  type LokiCollectionLike,
} from '../../../devhost/durable/azurite-lookup.js';

interface LokiModule {
  new (file: string): { addCollection(name: string, options: object): LokiCollectionLike };
  Collection: { prototype: LokiCollectionLike };
  LokiOps: Record<string, (a: unknown, b: unknown) => boolean>;
}

const load = createRequire(__filename);
const Loki = createRequire(load.resolve('azurite/dist/src/table/TableServer.js'))('lokijs') as LokiModule;

const BIG = 2000;
const PARTITIONS = 300;

/** A collection laid out like Azurite's (both indices), one big partition and many sharing a row key. */
function collection(): LokiCollectionLike & { insert(doc: object): void } {
  const coll = new Loki('t.db').addCollection('t', {
    indices: ['PartitionKey', 'RowKey'],
  }) as LokiCollectionLike & {
    insert(doc: object): void;
  };
  for (let i = 0; i < BIG; i++) coll.insert({ PartitionKey: 'big', RowKey: `r${i}`, n: i });
  for (let i = 0; i < PARTITIONS; i++) coll.insert({ PartitionKey: `p${i}`, RowKey: '~index', n: i });
  return coll;
}

/** Counts the equality comparisons LokiJS makes while `fn` runs (each is one entity looked at). */
function comparisons(fn: () => unknown): { result: unknown; compared: number } {
  const eq = Loki.LokiOps.$eq as (a: unknown, b: unknown) => boolean;
  let compared = 0;
  Loki.LokiOps.$eq = (a, b) => (compared++, eq(a, b));
  try {
    return { result: fn(), compared };
  } finally {
    Loki.LokiOps.$eq = eq;
  }
}

describe('narrowestFirst', () => {
  const coll = collection();

  it.each([
    [
      'a row of a big partition: the row key first',
      { PartitionKey: 'big', RowKey: 'r7' },
      ['RowKey', 'PartitionKey'],
    ],
    [
      'a row key many partitions share: the partition first',
      { PartitionKey: 'p7', RowKey: '~index' },
      ['PartitionKey', 'RowKey'],
    ],
    [
      'a missing row key: the row key first',
      { PartitionKey: 'big', RowKey: 'nope' },
      ['RowKey', 'PartitionKey'],
    ],
  ])('%s', (_, query, order) => {
    expect(Object.keys(narrowestFirst(coll, query) ?? {})).toEqual(order);
    expect(narrowestFirst(coll, query)).toEqual(query);
  });

  it('leaves other queries alone', () => {
    for (const query of [
      { account: 'a', table: 't' },
      { PartitionKey: 'big' },
      { RowKey: 'r1', PartitionKey: 'big' },
    ]) {
      expect(narrowestFirst(coll, query)).toBe(query);
    }
    expect(narrowestFirst(coll, undefined)).toBeUndefined();
  });
});

describe('indexPointLookups', () => {
  const coll = collection();
  indexPointLookups(Loki.Collection.prototype); // as startAzurite does (idempotent)

  it('finds the same entities while comparing a bounded number of them', () => {
    const row = comparisons(() => coll.findOne({ PartitionKey: 'big', RowKey: 'r1234' }));
    expect(row.result).toMatchObject({ PartitionKey: 'big', RowKey: 'r1234', n: 1234 });
    expect(row.compared).toBeLessThanOrEqual(2);
    const shared = comparisons(() => coll.findOne({ PartitionKey: 'p42', RowKey: '~index' }));
    expect(shared.result).toMatchObject({ PartitionKey: 'p42', RowKey: '~index', n: 42 });
    expect(shared.compared).toBeLessThanOrEqual(2);
    const missing = comparisons(() => coll.findOne({ PartitionKey: 'big', RowKey: 'nope' }));
    expect(missing.result).toBeNull();
    expect(missing.compared).toBe(0);
    expect(coll.findOne({ PartitionKey: 'p1', RowKey: 'r1' })).toBeNull();
  });
});

describe('the embedded Azurite with indexed point lookups', () => {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite({ location: undefined });
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('keeps Table semantics in a large partition: reads, conflicts, conditional updates, deletes', async () => {
    const table = TableClient.fromConnectionString(azurite.connectionString, 'lookups', {
      allowInsecureConnection: true,
    });
    await table.createTable();
    for (let start = 0; start < 500; start += 100) {
      const actions = Array.from(
        { length: 100 },
        (_, i) => ['create', { partitionKey: 'big', rowKey: `r${start + i}`, n: start + i }] as const,
      );
      await table.submitTransaction(actions.map(([kind, entity]) => [kind, entity]));
    }
    await table.createEntity({ partitionKey: 'other', rowKey: 'r1', n: -1 });
    expect((await table.getEntity<{ n: number }>('big', 'r321')).n).toBe(321);
    expect((await table.getEntity<{ n: number }>('other', 'r1')).n).toBe(-1);
    await expect(table.createEntity({ partitionKey: 'big', rowKey: 'r5', n: 0 })).rejects.toMatchObject({
      statusCode: 409,
    });
    const read = await table.getEntity('big', 'r5');
    await table.updateEntity({ partitionKey: 'big', rowKey: 'r5', n: 55 }, 'Merge', { etag: read.etag });
    await expect(
      table.updateEntity({ partitionKey: 'big', rowKey: 'r5', n: 56 }, 'Merge', { etag: read.etag }),
    ).rejects.toMatchObject({ statusCode: 412 });
    expect((await table.getEntity<{ n: number }>('big', 'r5')).n).toBe(55);
    await table.deleteEntity('big', 'r5');
    await expect(table.getEntity('big', 'r5')).rejects.toMatchObject({ statusCode: 404 });
    await expect(table.getEntity('big', 'r500')).rejects.toMatchObject({ statusCode: 404 });
  });
});
