/**
 * RunStore on Azure Table Storage (Azurite locally). Layout, one table per record kind:
 *   <prefix>Deployments       PK service, RK id: State, CreatedAt, CreatedTime (DateTime) + JSON;
 *                             (index rows PK `~ids`, RK id -> Service: written by earlier versions, read
 *                             as a fallback)
 *   <prefix>DeploymentEvents  PK deployment id, RK seq (10 digits) + JSON; plus the id index row
 *                             RK `~index` -> Service, for `findDeployment`
 *   <prefix>Queue             PK service, RK digest: DeploymentId, EnqueuedAt, State (columns only)
 *   <prefix>Releases          PK `<service>|<environment>`, RK `<inverted epoch ms, 16 digits>|<id>` + JSON
 *   <prefix>Approvals         PK deployment id, RK `<at ISO>|<URI-encoded approver>` + JSON
 *   <prefix>Deliveries        PK source, RK delivery id (insert-only webhook replay guard)
 *   <prefix>Quarantine        PK service, RK digest + JSON (point reads on every push and retry)
 *   <prefix>Holds             PK service, RK `hold` + JSON (point read on every lane turn)
 * Records are stored whole as JSON (see table-rows.ts); scalar columns exist for filters and browsing.
 *
 * `findDeployment` uses an index row rather than a cross-partition `RowKey eq id` query, because that
 * query is a full table scan on Azure, paid on every `GET /deployments/{id}` (including unknown ids).
 * The index row is written before the deployment row, so a crash in between leaves at worst an index
 * row to a missing deployment (read as "not found"; the retried activity completes it), never a
 * deployment that cannot be found by id. It lives in the deployment's own timeline partition, so that
 * claiming the id and appending the first timeline entry are one entity-group transaction (a pushed
 * image: 3 requests, the claim, the deployment row, the queue row).
 *
 * SDK access and safe errors: table-client.ts; keys: table-keys.ts; row encoding: table-rows.ts; the
 * timeline's and the queue's operations: table-timeline.ts and table-queue.ts.
 */
import type { TokenCredential } from '@azure/identity';
import type { TableServiceClientOptions } from '@azure/data-tables';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  ApprovalRecord,
  DeploymentRecord,
  QueueItem,
  ReleaseRecord,
  TimelineEntry,
} from '../domain/deployment.js';
import type { HoldRecord, QuarantineRecord } from '../domain/quarantine.js';
import {
  ConcurrencyError,
  RunStoreError,
  type CreateAlso,
  type DeploymentQuery,
  type Page,
  type RunStore,
} from '../ports/run-store.js';
import { decodeJson, deploymentEntity, encodeJson, readDeployment } from './table-rows.js';
import {
  DEFAULT_RELEASE_LIMIT,
  HOLD_ROW,
  ID_INDEX_PARTITION,
  ID_INDEX_ROW,
  MAX_RELEASE_LIMIT,
  approvalRowKey,
  byQuarantinedAt,
  assertServiceKey,
  assertValidKey,
  checkDeployment,
  checkFirstEntry,
  checkHold,
  checkQueueItemOf,
  checkQuarantine,
  clampLimit,
  deploymentFilter,
  encodeToken,
  invalidArgument,
  notFound,
  releasePartition,
  releaseRowKey,
  type ResumePoint,
} from './table-keys.js';
import { Tables, deploymentODataFilter, readPage } from './table-client.js';
import { enqueue, listQueue, queueEntity, setQueueState } from './table-queue.js';
import { appendEvent, appendEvents, eventEntity, listEvents } from './table-timeline.js';

export { TableStorageError } from './table-client.js';

export interface TableRunStoreOptions {
  /** Azurite or local use; carries the account key, so it never appears in errors. */
  connectionString?: string;
  /** `https://<account>.table.core.windows.net`, used with `credential` (managed identity in Azure). */
  endpoint?: string;
  credential?: TokenCredential;
  /** Table names are `<prefix>Deployments` etc.: letters and digits, starting with a letter. */
  tablePrefix: string;
  /** ETag-guarded update attempts before `ConcurrencyError` (default 10). */
  maxUpdateAttempts?: number;
  /** Passed to every TableClient (retry options; request-counting policies in tests). */
  clientOptions?: TableServiceClientOptions;
}

/** Round trips one listing call may make to fill a page when the service returns short pages. */
const MAX_LIST_ROUNDS = 10;

export class TableRunStore implements RunStore {
  private readonly tables: Tables;
  private readonly maxUpdateAttempts: number;

  constructor(options: TableRunStoreOptions) {
    this.tables = new Tables(options.tablePrefix, options);
    this.maxUpdateAttempts = clampLimit(options.maxUpdateAttempts, 10, 100, 'maxUpdateAttempts');
  }

  /** Builds the store and creates its tables if missing (safe to run on every start). */
  static async create(options: TableRunStoreOptions): Promise<TableRunStore> {
    const store = new TableRunStore(options);
    await store.tables.createAll();
    return store;
  }

  /**
   * Round trips, whatever the size of the tables (all point operations): a known id, 1 (the
   * deployment read); a new one, 3 (that read, the id's index row with `also.entry` in one transaction,
   * the deployment row with `also.queueItem` in another: both in the service's partition).
   */
  async createDeployment(
    record: DeploymentRecord,
    also: CreateAlso = {},
  ): Promise<{ record: DeploymentRecord; created: boolean }> {
    checkDeployment(record);
    if (also.entry) checkFirstEntry(record, also.entry);
    if (also.queueItem) checkQueueItemOf(record, also.queueItem);
    const known = await this.getDeployment(record.service, record.id);
    if (known !== undefined) return { record: known, created: false };
    if (!(await this.claimId(record.id, record.service, also.entry))) {
      const existing = await this.getDeployment(record.service, record.id);
      if (existing !== undefined) return { record: existing, created: false };
      // The index row without its deployment: a racing first attempt not done yet, one that stopped
      // in between, or the id belongs to another service.
      await this.checkOwner(record.id, record.service);
    }
    const entity = deploymentEntity(record);
    const queue = also.queueItem && queueEntity(also.queueItem);
    const created = await this.tables.attempt(
      'deployments',
      'create deployment',
      async (c) => {
        if (!queue) return c.createEntity(entity);
        await c.submitTransaction([
          ['create', entity],
          ['create', queue],
        ]);
      },
      409,
    );
    if (created.ok) return { record: stored(record), created: true };
    const existing = await this.getDeployment(record.service, record.id);
    // Nothing deletes deployments, so this is the service misbehaving, not a race to handle.
    if (existing === undefined) throw new RunStoreError('storage-error', `Deployment ${record.id} vanished.`);
    return { record: existing, created: false };
  }

  async getDeployment(service: string, id: string): Promise<DeploymentRecord | undefined> {
    assertServiceKey(service);
    assertValidKey(id, 'deployment id');
    const row = await this.tables.read('deployments', 'read deployment', service, id);
    return row && readDeployment(row);
  }

  async findDeployment(id: string): Promise<DeploymentRecord | undefined> {
    assertValidKey(id, 'deployment id');
    const index = await this.readIndex(id);
    if (index === undefined) return undefined;
    if (typeof index.Service !== 'string')
      throw new RunStoreError('corrupt-record', 'Stored index row has no service.');
    return this.getDeployment(index.Service, id);
  }

  /** The id's index row: in its timeline partition, or where versions before it wrote it. */
  private async readIndex(id: string): Promise<Record<string, unknown> | undefined> {
    const index = await this.tables.read('events', 'read deployment index', id, ID_INDEX_ROW);
    return index ?? this.tables.read('deployments', 'read deployment index', ID_INDEX_PARTITION, id);
  }

  async updateDeployment(
    service: string,
    id: string,
    change: (current: DeploymentRecord) => DeploymentRecord,
  ): Promise<DeploymentRecord> {
    assertServiceKey(service);
    assertValidKey(id, 'deployment id');
    for (let attempt = 1; ; attempt++) {
      const row = await this.tables.read('deployments', 'read deployment', service, id);
      if (row === undefined) throw notFound(`Deployment ${id} of ${service}`);
      const next = change(readDeployment(row));
      if (next.id !== id || next.service !== service) {
        throw invalidArgument('A deployment update must not change its id or service.');
      }
      checkDeployment(next);
      const written = await this.tables.attempt(
        'deployments',
        'update deployment',
        (c) => c.updateEntity(deploymentEntity(next), 'Replace', { etag: row.etag }),
        412,
        404,
      );
      if (written.ok) return stored(next);
      if (written.status === 404) throw notFound(`Deployment ${id} of ${service}`);
      if (attempt >= this.maxUpdateAttempts) {
        throw new ConcurrencyError(`Deployment ${id} changed under ${attempt} guarded update attempts.`);
      }
      // Jittered exponential backoff: writers that lost together must not retry in lockstep.
      await delay(Math.random() * Math.min(1_000, 10 * 2 ** attempt));
    }
  }

  /**
   * Order: service, then id (PartitionKey, RowKey): the only order Table Storage pages through
   * stably. It is not chronological; callers wanting newest first narrow with `since` and sort.
   */
  async listDeployments(query: DeploymentQuery): Promise<Page<DeploymentRecord>> {
    const { service, state, sinceMs, pageSize, scope, resume } = deploymentFilter(query);
    const filter = deploymentODataFilter({ service, state, sinceMs });
    const items: DeploymentRecord[] = [];
    let next: ResumePoint | undefined = resume;
    for (let round = 0; round < MAX_LIST_ROUNDS && items.length < pageSize; round++) {
      const top = pageSize - items.length;
      const page = await this.tables.call('deployments', 'list deployments', (c) =>
        readPage(c, filter, top, next),
      );
      items.push(...page.rows.map(readDeployment));
      next = page.next;
      if (next === undefined) break;
    }
    return next === undefined ? { items } : { items, continuationToken: encodeToken(scope, next) };
  }

  appendEvent(entry: TimelineEntry): Promise<void> {
    return appendEvent(this.tables, entry);
  }

  appendEvents(entries: readonly TimelineEntry[]): Promise<void> {
    return appendEvents(this.tables, entries);
  }

  listEvents(deploymentId: string): Promise<TimelineEntry[]> {
    return listEvents(this.tables, deploymentId);
  }

  enqueue(item: QueueItem): Promise<boolean> {
    return enqueue(this.tables, item);
  }

  listQueue(service: string, options?: { pending?: boolean }): Promise<QueueItem[]> {
    return listQueue(this.tables, service, options);
  }

  setQueueState(service: string, digest: string, state: QueueItem['state']): Promise<void> {
    return setQueueState(this.tables, service, digest, state);
  }

  async recordRelease(release: ReleaseRecord): Promise<void> {
    const entity = {
      partitionKey: releasePartition(release.service, release.environment),
      rowKey: releaseRowKey(release),
      DeploymentId: release.deploymentId,
      ReleasedAt: release.releasedAt,
      ...encodeJson(release),
    };
    await this.tables.call('releases', 'record release', (c) => c.upsertEntity(entity, 'Replace'));
  }

  async listReleases(
    service: string,
    environment: ReleaseRecord['environment'],
    limit?: number,
  ): Promise<ReleaseRecord[]> {
    const partition = releasePartition(service, environment);
    const max = clampLimit(limit, DEFAULT_RELEASE_LIMIT, MAX_RELEASE_LIMIT, 'limit');
    const rows = await this.tables.listPartition('releases', 'list releases', partition, max);
    return rows.map((row) => decodeJson(row, 'release') as ReleaseRecord);
  }

  async recordApproval(approval: ApprovalRecord): Promise<void> {
    assertValidKey(approval.deploymentId, 'deployment id');
    const entity = {
      partitionKey: approval.deploymentId,
      rowKey: approvalRowKey(approval),
      Approver: approval.approver,
      Decision: approval.decision,
      Accepted: approval.accepted,
      ...encodeJson(approval),
    };
    await this.tables.call('approvals', 'record approval', (c) => c.upsertEntity(entity, 'Replace'));
  }

  /** Oldest first. */
  async listApprovals(deploymentId: string): Promise<ApprovalRecord[]> {
    assertValidKey(deploymentId, 'deployment id');
    const rows = await this.tables.listPartition('approvals', 'list approvals', deploymentId);
    return rows.map((row) => decodeJson(row, 'approval') as ApprovalRecord);
  }

  /** Ids are unique across services; the index row claims one for a service before its record exists. */
  async recordDelivery(source: string, id: string): Promise<boolean> {
    assertValidKey(source, 'delivery source');
    assertValidKey(id, 'delivery id');
    const entity = { partitionKey: source, rowKey: id };
    return (await this.tables.attempt('deliveries', 'record delivery', (c) => c.createEntity(entity), 409))
      .ok;
  }

  async deliveryRecorded(source: string, id: string): Promise<boolean> {
    assertValidKey(source, 'delivery source');
    assertValidKey(id, 'delivery id');
    return (await this.tables.read('deliveries', 'read delivery', source, id)) !== undefined;
  }

  async putQuarantine(record: QuarantineRecord): Promise<void> {
    checkQuarantine(record);
    const entity = {
      partitionKey: record.service,
      rowKey: record.digest,
      At: record.at,
      ...encodeJson(record),
    };
    await this.tables.call('quarantine', 'put quarantine', (c) => c.upsertEntity(entity, 'Replace'));
  }

  async updateQuarantine(
    service: string,
    digest: string,
    change: (current: QuarantineRecord) => QuarantineRecord,
  ): Promise<QuarantineRecord> {
    assertServiceKey(service);
    assertValidKey(digest, 'digest');
    for (let attempt = 1; ; attempt++) {
      const row = await this.tables.read('quarantine', 'read quarantine', service, digest);
      if (row === undefined) throw notFound(`Quarantine of ${digest} for ${service}`);
      const next = change(decodeJson(row, 'quarantine') as QuarantineRecord);
      if (next.service !== service || next.digest !== digest)
        throw invalidArgument('A quarantine update must not change its service or digest.');
      checkQuarantine(next);
      const entity = { partitionKey: service, rowKey: digest, At: next.at, ...encodeJson(next) };
      const written = await this.tables.attempt(
        'quarantine',
        'update quarantine',
        (c) => c.updateEntity(entity, 'Replace', { etag: row.etag }),
        412,
        404,
      );
      if (written.ok) return stored(next);
      if (written.status === 404) throw notFound(`Quarantine of ${digest} for ${service}`);
      if (attempt >= this.maxUpdateAttempts)
        throw new ConcurrencyError(`Quarantine of ${digest} changed under ${attempt} guarded updates.`);
      await delay(Math.random() * Math.min(1_000, 10 * 2 ** attempt));
    }
  }

  async getQuarantine(service: string, digest: string): Promise<QuarantineRecord | undefined> {
    assertServiceKey(service);
    assertValidKey(digest, 'digest');
    const row = await this.tables.read('quarantine', 'read quarantine', service, digest);
    return row && (decodeJson(row, 'quarantine') as QuarantineRecord);
  }

  async listQuarantine(service: string): Promise<QuarantineRecord[]> {
    assertServiceKey(service);
    const rows = await this.tables.listPartition('quarantine', 'list quarantine', service);
    return rows.map((row) => decodeJson(row, 'quarantine') as QuarantineRecord).sort(byQuarantinedAt);
  }

  async putHold(hold: HoldRecord): Promise<void> {
    checkHold(hold);
    const entity = { partitionKey: hold.service, rowKey: HOLD_ROW, At: hold.at, ...encodeJson(hold) };
    await this.tables.call('holds', 'put hold', (c) => c.upsertEntity(entity, 'Replace'));
  }

  async getHold(service: string): Promise<HoldRecord | undefined> {
    assertServiceKey(service);
    const row = await this.tables.read('holds', 'read hold', service, HOLD_ROW);
    return row && (decodeJson(row, 'hold') as HoldRecord);
  }

  /**
   * True when this call wrote the index row (and `entry`, atomically with it); false when it was there
   * already (then nothing is written: the transaction fails as a whole). An id indexed by an earlier
   * version (`~ids`) is then caught by the deployment row's own insert or `checkOwner`.
   */
  private async claimId(id: string, service: string, entry?: TimelineEntry): Promise<boolean> {
    const index = { partitionKey: id, rowKey: ID_INDEX_ROW, Service: service };
    const claimed = await this.tables.attempt(
      'events',
      'index deployment',
      async (c) => {
        if (!entry) return c.createEntity(index);
        await c.submitTransaction([
          ['create', index],
          ['upsert', eventEntity(entry), 'Replace'],
        ]);
      },
      409,
    );
    return claimed.ok;
  }

  private async checkOwner(id: string, service: string): Promise<void> {
    const owner = await this.readIndex(id);
    if (owner !== undefined && owner.Service !== service) {
      throw new RunStoreError('id-conflict', `Deployment id ${id} already belongs to another service.`);
    }
  }
}

/** What a reader gets back: JSON drops `undefined` fields. */
function stored<T>(record: T): T {
  return JSON.parse(JSON.stringify(record)) as T;
}
