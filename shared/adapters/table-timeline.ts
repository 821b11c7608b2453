/**
 * The deployment timeline part of the Table Storage RunStore (table-store.ts): `<prefix>DeploymentEvents`,
 * PK deployment id, RK seq (10 digits) + JSON. The partition also holds the id's index row
 * (`~index`), which listings skip.
 */
import type { TimelineEntry } from '../domain/deployment.js';
import type { Tables } from './table-client.js';
import { ID_INDEX_ROW, assertValidKey, checkEvent } from './table-keys.js';
import { decodeJson, encodeJson, fitEntry } from './table-rows.js';

/** Entities per entity-group transaction (Azure Table Storage's limit). */
const MAX_BATCH = 100;

export type TableEntity = Record<string, unknown> & { partitionKey: string; rowKey: string };

export function eventEntity(entry: TimelineEntry): TableEntity {
  const rowKey = checkEvent(entry);
  return {
    partitionKey: entry.deploymentId,
    rowKey,
    Kind: entry.kind,
    At: entry.at,
    ...(entry.verdict === undefined ? {} : { Verdict: entry.verdict }),
    ...encodeJson(fitEntry(entry)),
  };
}

export async function appendEvent(tables: Tables, entry: TimelineEntry): Promise<void> {
  const entity = eventEntity(entry);
  // Upsert: a retried activity rewrites the same seq instead of failing or appending a duplicate.
  await tables.call('events', 'append event', (c) => c.upsertEntity(entity, 'Replace'));
}

/**
 * One entity-group transaction per 100 entries (the Table service's limit; one partition: the
 * deployment's timeline). Upserts like `appendEvent`, so a retried activity rewrites its seqs. A seq
 * given twice keeps the last entry (a transaction refuses the same row twice).
 */
export async function appendEvents(tables: Tables, entries: readonly TimelineEntry[]): Promise<void> {
  if (new Set(entries.map((e) => e.deploymentId)).size > 1) {
    throw new RangeError('appendEvents: entries of more than one deployment.');
  }
  const byRow = new Map<string, TableEntity>();
  for (const entry of entries) {
    const row = eventEntity(entry);
    byRow.set(row.rowKey, row);
  }
  const rows = [...byRow.values()];
  for (let i = 0; i < rows.length; i += MAX_BATCH) {
    const batch = rows.slice(i, i + MAX_BATCH);
    const only = batch.length === 1 ? batch[0] : undefined;
    await tables.call('events', 'append events', async (c) => {
      if (only) await c.upsertEntity(only, 'Replace');
      else await c.submitTransaction(batch.map((row) => ['upsert', row, 'Replace'] as const));
    });
  }
}

export async function listEvents(tables: Tables, deploymentId: string): Promise<TimelineEntry[]> {
  assertValidKey(deploymentId, 'deployment id');
  const rows = await tables.listPartition('events', 'list events', deploymentId);
  return rows
    .filter((row) => row.rowKey !== ID_INDEX_ROW)
    .map((row) => decodeJson(row, 'timeline entry') as TimelineEntry);
}
