/**
 * Task hub on Azure Table Storage (Azurite locally, a real account in principle).
 *
 * Layout: ONE table `<hub>Instances`, ONE partition per instance (PartitionKey = escaped instance id),
 * because an entity-group transaction is the only atomic write Table Storage offers and it is limited
 * to one partition of one table. Rows of a partition:
 *   `I`                          instance record (JSON) + store metadata (committed history length, ...)
 *   `H|<exec>|<start>|<row>`     history: each commit's events as one JSON array ("group") split over rows
 *   `M|<message id>`             inbox messages
 * `commitEpisode` = one transaction {history rows, inbox deletes, instance upsert}. History rows past
 * the instance row's `HistoryLength` are invisible, which is what makes the step-wise fallback (commits
 * over 100 operations / 4 MiB) crash-safe; see `commitInSteps`. Row keys are derived from execution id +
 * start position, so re-running a commit rewrites the same rows instead of appending. Listing scans
 * `RowKey eq 'I'` across partitions (a scan on Azure too, like the Durable extension's Instances table)
 * and pages in instance-id order with the SDK's continuation tokens.
 */
import { TableClient, odata, type TransactionAction } from '@azure/data-tables';
import { isUnfinished, matchesQuery, pageSize } from './store-common.js';
import {
  INBOX_PREFIX,
  INSTANCE_ROW,
  decodeHistory,
  emptyMeta,
  fingerprint,
  historyPrefix,
  historyRows,
  inboxRowKey,
  instanceFilter,
  instanceToRow,
  messageToRow,
  partitionKey,
  prefixEnd,
  rowToInstance,
  rowToMessage,
  rowToMeta,
  type InstanceMeta,
  type Row,
} from './table-codec.js';
import { batches, fitsOneBatch, isNotFound, row, upsert } from './table-batch.js';
import type {
  EpisodeCommit,
  HistoryEvent,
  InboxMessage,
  InstancePage,
  InstanceQuery,
  InstanceState,
  TaskHubStore,
} from './types.js';

export interface TableStoreOptions {
  /** Any Table Storage connection string; `UseDevelopmentStorage=true` means Azurite on port 10002. */
  connectionString: string;
  taskHub: string;
}

/** The service never returns more per page. */
const MAX_PAGE = 1000;

/** The Durable extension's rule (3-45 chars, letters and digits, starting with a letter). */
const TASK_HUB_NAME = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

/** Throws unless `taskHub` can prefix a table name (tables: 3-63 alphanumerics starting with a letter). */
export function taskHubTableName(taskHub: string): string {
  if (!TASK_HUB_NAME.test(taskHub)) {
    throw new Error(
      `Invalid task hub name "${taskHub}": use 3-45 letters and digits, starting with a letter ` +
        '(it becomes part of a Table Storage table name).',
    );
  }
  return `${taskHub}Instances`;
}

export class TableStore implements TaskHubStore {
  readonly kind = 'table';
  readonly tableName: string;
  private readonly client: TableClient;
  /** The engine is the only writer, so each instance row's store metadata is read once, then tracked. */
  private readonly metas = new Map<string, InstanceMeta>();

  constructor(options: TableStoreOptions) {
    this.tableName = taskHubTableName(options.taskHub);
    // Azurite speaks http; the flag only permits it and changes nothing for https endpoints.
    this.client = TableClient.fromConnectionString(options.connectionString, this.tableName, {
      allowInsecureConnection: true,
    });
  }

  async init(): Promise<void> {
    await this.client.createTable();
  }

  async close(): Promise<void> {
    this.metas.clear();
  }

  async putInstance(instance: InstanceState): Promise<void> {
    const meta = await this.loadMeta(instance.instanceId);
    // A new execution id (restart) starts an empty history; the same one (recovery) keeps its history.
    const next =
      meta.executionId === instance.executionId ? { ...meta, pending: [] } : emptyMeta(instance.executionId);
    await this.client.upsertEntity(instanceToRow(instance, next), 'Replace');
    this.metas.set(instance.instanceId, next);
  }

  async getInstance(instanceId: string): Promise<InstanceState | undefined> {
    const row = await this.getRow(partitionKey(instanceId), INSTANCE_ROW);
    if (!row) return undefined;
    await this.adopt(instanceId, row);
    return rowToInstance(row);
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    const filter = instanceFilter(query);
    const size = pageSize(query);
    const items: InstanceState[] = [];
    let token = query.continuationToken;
    // Pages may come back short or even empty with a token (Azure does that on scans): keep going until
    // the page is full or the scan is done.
    do {
      const maxPageSize = Math.min(size - items.length, MAX_PAGE);
      const pages = this.client.listEntities({ queryOptions: { filter } }).byPage({
        maxPageSize,
        ...(token !== undefined && { continuationToken: token }),
      });
      const page = (await pages.next()).value;
      for (const row of page ?? []) {
        const instance = rowToInstance(row as Row);
        if (matchesQuery(instance, query)) items.push(instance);
      }
      token = page?.continuationToken;
    } while (token !== undefined && items.length < size);
    return token !== undefined ? { items, continuationToken: token } : { items };
  }

  async listUnfinishedInstances(): Promise<InstanceState[]> {
    const filter = odata`RowKey eq ${INSTANCE_ROW} and Unfinished eq ${true}`;
    const result: InstanceState[] = [];
    for await (const row of this.client.listEntities({ queryOptions: { filter } })) {
      const instance = rowToInstance(row as Row);
      if (isUnfinished(instance)) result.push(instance);
    }
    return result;
  }

  async getHistory(instanceId: string, executionId: string): Promise<HistoryEvent[]> {
    const meta = await this.loadMeta(instanceId);
    // Older executions were complete when replaced, so everything contiguous is theirs.
    const committed = meta.executionId === executionId ? meta.historyLength : Number.POSITIVE_INFINITY;
    const prefix = historyPrefix(executionId);
    const rows = await this.rowsInRange(partitionKey(instanceId), prefix, prefixEnd(prefix));
    return decodeHistory(rows, committed);
  }

  async enqueue(message: InboxMessage): Promise<void> {
    await this.client.upsertEntity(messageToRow(message), 'Replace');
  }

  async getInbox(instanceId: string): Promise<InboxMessage[]> {
    // One scan from `I` to the end of `M|...` returns the instance row with the inbox.
    const rows = await this.rowsInRange(partitionKey(instanceId), INSTANCE_ROW, prefixEnd(INBOX_PREFIX));
    const instanceRow = rows.find((row) => row.rowKey === INSTANCE_ROW);
    const pending = new Set(instanceRow ? rowToMeta(instanceRow).pending : []);
    const messages = rows
      .filter((row) => row.rowKey.startsWith(INBOX_PREFIX))
      .map(rowToMessage)
      .filter((message) => !pending.has(message.id))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (instanceRow) await this.adopt(instanceId, instanceRow);
    return messages;
  }

  async commitEpisode(commit: EpisodeCommit): Promise<void> {
    const { instance, appendEvents, consumedMessageIds } = commit;
    const meta = await this.loadMeta(instance.instanceId);
    const json = JSON.stringify(appendEvents);
    const commitKey = fingerprint(commit, json);
    const sameExecution = meta.executionId === instance.executionId;
    const retry = sameExecution && meta.commitKey === commitKey;
    const start = retry ? meta.commitStart : sameExecution && !commit.newExecution ? meta.historyLength : 0;
    const next: InstanceMeta = {
      executionId: instance.executionId,
      historyLength: start + appendEvents.length,
      commitKey,
      commitStart: start,
      pending: [],
    };
    const rows = appendEvents.length
      ? historyRows(instance.instanceId, instance.executionId, start, appendEvents, json)
      : [];
    const pk = partitionKey(instance.instanceId);
    const deletes = consumedMessageIds.map((id): TransactionAction => ['delete', row(pk, inboxRowKey(id))]);
    const actions: TransactionAction[] = [
      ...rows.map(upsert),
      ...deletes,
      upsert(instanceToRow(instance, next)),
    ];
    // A retry may find its messages already deleted, which fails a transaction: go step-wise directly.
    if (!retry && fitsOneBatch(actions)) {
      try {
        await this.client.submitTransaction(actions);
        this.metas.set(instance.instanceId, next);
        return;
      } catch (err) {
        // A consumed id missing from the inbox aborts the whole transaction; the steps tolerate it.
        if (!isNotFound(err)) throw err;
      }
    }
    await this.commitInSteps(instance, rows, consumedMessageIds, next);
  }

  async purgeInstance(instanceId: string): Promise<boolean> {
    const pk = partitionKey(instanceId);
    const keys: string[] = [];
    const filter = odata`PartitionKey eq ${pk}`;
    let existed = false;
    for await (const entity of this.client.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      const key = entity.rowKey ?? '';
      if (key === INSTANCE_ROW) existed = true;
      else keys.push(key);
    }
    // The instance row goes last: if purging is interrupted the instance stays visible and purgeable.
    if (existed) keys.push(INSTANCE_ROW);
    this.metas.delete(instanceId);
    await this.deleteRows(pk, keys);
    return existed;
  }

  /**
   * For commits too big for one transaction. Order: (1) history rows - invisible until the instance row
   * counts them; (2) the instance row, listing the consumed ids as `Pending` - this is the commit point,
   * from here on getInbox hides those messages; (3) delete the messages; (4) clear `Pending`. A crash
   * before (2) loses nothing (the rows are overwritten by the re-run); a crash after (2) is finished by
   * `adopt` the next time the instance is read.
   */
  private async commitInSteps(
    instance: InstanceState,
    rows: Row[],
    consumed: string[],
    next: InstanceMeta,
  ): Promise<void> {
    for (const batch of batches(rows.map(upsert))) await this.client.submitTransaction(batch);
    await this.client.upsertEntity(instanceToRow(instance, { ...next, pending: consumed }), 'Replace');
    await this.settle(partitionKey(instance.instanceId), consumed);
    this.metas.set(instance.instanceId, next);
  }

  /** Steps (3) and (4) of `commitInSteps`; idempotent. */
  private async settle(pk: string, consumed: string[]): Promise<void> {
    if (consumed.length === 0) return;
    await this.deleteRows(
      pk,
      consumed.map((id) => inboxRowKey(id)),
    );
    await this.client.updateEntity({ ...row(pk, INSTANCE_ROW), PendingN: 0 }, 'Merge');
  }

  private async loadMeta(instanceId: string): Promise<InstanceMeta> {
    const cached = this.metas.get(instanceId);
    if (cached) return cached;
    const instanceRow = await this.getRow(partitionKey(instanceId), INSTANCE_ROW);
    return instanceRow ? this.adopt(instanceId, instanceRow) : emptyMeta('');
  }

  /** Starts tracking an instance from its stored row, finishing a step-wise commit a crash interrupted. */
  private async adopt(instanceId: string, instanceRow: Row): Promise<InstanceMeta> {
    const cached = this.metas.get(instanceId);
    if (cached) return cached;
    const meta = rowToMeta(instanceRow);
    await this.settle(instanceRow.partitionKey, meta.pending);
    meta.pending = [];
    this.metas.set(instanceId, meta);
    return meta;
  }

  private async getRow(pk: string, rowKey: string): Promise<Row | undefined> {
    try {
      return (await this.client.getEntity(pk, rowKey)) as Row;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Rows of one partition with from <= RowKey < to, in key order. */
  private async rowsInRange(pk: string, from: string, to: string): Promise<Row[]> {
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
    const rows: Row[] = [];
    for await (const entity of this.client.listEntities({ queryOptions: { filter } }))
      rows.push(entity as Row);
    return rows;
  }

  /** Batched deletes that tolerate rows already gone (retries, interrupted purges). */
  private async deleteRows(pk: string, rowKeys: string[]): Promise<void> {
    const actions = rowKeys.map((rowKey): TransactionAction => ['delete', row(pk, rowKey)]);
    for (const batch of batches(actions)) {
      try {
        await this.client.submitTransaction(batch);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await Promise.all(batch.map(([, entity]) => this.deleteIfExists(pk, entity.rowKey)));
      }
    }
  }

  private async deleteIfExists(pk: string, rowKey: string): Promise<void> {
    try {
      await this.client.deleteEntity(pk, rowKey);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
