/**
 * Point lookups in the embedded Azurite that do not scan a whole partition.
 *
 * Azurite 3.35 keeps each table in a LokiJS collection with binary indices on `PartitionKey` and `RowKey`
 * and finds an entity (point read, and the existence check of every insert, update, merge and delete)
 * with `findOne({ PartitionKey, RowKey })`. LokiJS uses an index only for the first property of such a
 * query ("for now only enabling where it is the first filter applied", `Resultset.prototype.find`), so
 * each of those operations compared the row key of every entity of the partition: a point read slowed
 * down as the partition grew, which Table Storage, serving it from its (PartitionKey, RowKey) key, does
 * not (docs/benchmarks.md, "Event ingestion"). This puts the narrower of the two indices first. The
 * answer is the same (an `$and` of two equalities on a unique key: at most one entity matches), only the
 * number of entities compared changes.
 */

/** The part of a LokiJS collection this needs (lokijs 1.5, `Collection.prototype`). */
export interface LokiCollectionLike {
  binaryIndices: Record<string, { dirty?: boolean } | undefined>;
  adaptiveBinaryIndices?: boolean;
  ensureIndex(property: string): void;
  calculateRange(op: '$eq', property: string, value: unknown): [number, number];
  findOne(query: Record<string, unknown>): unknown;
}

const KEYS = ['PartitionKey', 'RowKey'] as const;

/** How many entities hold `value` in the indexed `property`, or undefined without such an index. */
function matches(collection: LokiCollectionLike, property: string, value: unknown): number | undefined {
  if (!collection.binaryIndices[property]) return undefined;
  // LokiJS itself rebuilds a dirty index this way before using it (adaptive indices are never dirty).
  if (collection.adaptiveBinaryIndices !== true) collection.ensureIndex(property);
  const [low, high] = collection.calculateRange('$eq', property, value);
  return high - low + 1;
}

/**
 * The query to run: `{ RowKey, PartitionKey }` when fewer entities share the row key than the partition
 * (LokiJS then walks the row key's index entries), otherwise `query` unchanged.
 */
export function narrowestFirst(
  collection: LokiCollectionLike,
  query: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!query) return query;
  const keys = Object.keys(query);
  if (keys.length !== 2 || keys[0] !== KEYS[0] || keys[1] !== KEYS[1]) return query;
  const { PartitionKey: partition, RowKey: row } = query;
  if (typeof partition !== 'string' || typeof row !== 'string') return query;
  const inPartition = matches(collection, 'PartitionKey', partition);
  const withRowKey = matches(collection, 'RowKey', row);
  if (inPartition === undefined || withRowKey === undefined || withRowKey >= inPartition) return query;
  return { RowKey: row, PartitionKey: partition };
}

const patched = new WeakSet<object>();

/** Makes `findOne` of every collection of this LokiJS module take the narrower index (idempotent). */
export function indexPointLookups(collectionPrototype: LokiCollectionLike): void {
  if (patched.has(collectionPrototype)) return;
  patched.add(collectionPrototype);
  const findOne = collectionPrototype.findOne;
  collectionPrototype.findOne = function (this: LokiCollectionLike, query: Record<string, unknown>) {
    return findOne.call(this, narrowestFirst(this, query) as Record<string, unknown>);
  };
}
