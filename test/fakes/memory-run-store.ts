/**
 * In-memory RunStore for orchestration and activity tests. It shares the adapter's rules (key
 * validation, row-key order, page limits, continuation tokens, evidence truncation) by importing them,
 * and run-store-contract.ts runs against both, so the fake cannot drift from TableRunStore.
 */
import type {
  ApprovalRecord,
  DeploymentRecord,
  QueueItem,
  ReleaseRecord,
  TimelineEntry,
} from '../../shared/domain/deployment.js';
import type { HoldRecord, QuarantineRecord } from '../../shared/domain/quarantine.js';
import {
  RunStoreError,
  type CreateAlso,
  type DeploymentQuery,
  type Page,
  type RunStore,
} from '../../shared/ports/run-store.js';
import { encodeJson, fitEntry } from '../../shared/adapters/table-rows.js';
import {
  DEFAULT_RELEASE_LIMIT,
  MAX_RELEASE_LIMIT,
  approvalRowKey,
  assertQueueState,
  assertServiceKey,
  assertValidKey,
  byEnqueuedAt,
  byQuarantinedAt,
  checkDeployment,
  checkEvent,
  checkFirstEntry,
  checkQueueItemOf,
  checkHold,
  checkQuarantine,
  checkQueueItem,
  clampLimit,
  deploymentFilter,
  encodeToken,
  invalidArgument,
  releasePartition,
  releaseRowKey,
} from '../../shared/adapters/table-keys.js';

/** What a reader gets back from storage: a JSON copy (undefined fields dropped, no shared objects). */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Same size rule as the adapter: a record whose JSON cannot fit one entity is refused. */
function storable<T>(value: T): T {
  encodeJson(value);
  return copy(value);
}

/** Rows of a partition, kept in RowKey (ordinal) order like Table Storage returns them. */
function inKeyOrder<T>(rows: Map<string, T> | undefined): T[] {
  if (rows === undefined) return [];
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => copy(row));
}

function partition<T>(map: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let rows = map.get(key);
  if (rows === undefined) map.set(key, (rows = new Map()));
  return rows;
}

export class MemoryRunStore implements RunStore {
  /** service -> id -> record */
  readonly deployments = new Map<string, Map<string, DeploymentRecord>>();
  /** id -> service (ids are unique across services, as in the adapter's index rows) */
  private readonly owners = new Map<string, string>();
  readonly events = new Map<string, Map<string, TimelineEntry>>();
  readonly queue = new Map<string, Map<string, QueueItem>>();
  readonly releases = new Map<string, Map<string, ReleaseRecord>>();
  readonly approvals = new Map<string, Map<string, ApprovalRecord>>();
  readonly deliveries = new Map<string, Map<string, true>>();
  readonly quarantine = new Map<string, Map<string, QuarantineRecord>>();
  readonly holds = new Map<string, HoldRecord>();

  async createDeployment(
    record: DeploymentRecord,
    also: CreateAlso = {},
  ): Promise<{ record: DeploymentRecord; created: boolean }> {
    checkDeployment(record);
    const entryKey = also.entry && checkFirstEntry(record, also.entry);
    if (also.queueItem) checkQueueItemOf(record, also.queueItem);
    const value = storable(record);
    const owner = this.owners.get(record.id);
    if (owner !== undefined && owner !== record.service) {
      throw new RunStoreError(
        'id-conflict',
        `Deployment id ${record.id} already belongs to another service.`,
      );
    }
    this.owners.set(record.id, record.service);
    const rows = partition(this.deployments, record.service);
    const existing = rows.get(record.id);
    if (existing !== undefined) return { record: copy(existing), created: false };
    rows.set(record.id, value);
    if (also.entry && entryKey)
      partition(this.events, record.id).set(entryKey, storable(fitEntry(also.entry)));
    if (also.queueItem) await this.enqueue(also.queueItem);
    return { record: copy(value), created: true };
  }

  async getDeployment(service: string, id: string): Promise<DeploymentRecord | undefined> {
    assertServiceKey(service);
    assertValidKey(id, 'deployment id');
    const found = this.deployments.get(service)?.get(id);
    return found && copy(found);
  }

  async findDeployment(id: string): Promise<DeploymentRecord | undefined> {
    assertValidKey(id, 'deployment id');
    const service = this.owners.get(id);
    return service === undefined ? undefined : this.getDeployment(service, id);
  }

  async updateDeployment(
    service: string,
    id: string,
    change: (current: DeploymentRecord) => DeploymentRecord,
  ): Promise<DeploymentRecord> {
    // No await between read and write: that is what makes the memory store's update atomic.
    assertServiceKey(service);
    assertValidKey(id, 'deployment id');
    const found = this.deployments.get(service)?.get(id);
    const current = found && copy(found);
    if (current === undefined)
      throw new RunStoreError('not-found', `Deployment ${id} of ${service} does not exist.`);
    const next = change(current);
    if (next.id !== id || next.service !== service) {
      throw invalidArgument('A deployment update must not change its id or service.');
    }
    checkDeployment(next);
    const value = storable(next);
    partition(this.deployments, service).set(id, value);
    return copy(value);
  }

  /** Service, then id: the adapter's (PartitionKey, RowKey) order. */
  async listDeployments(query: DeploymentQuery): Promise<Page<DeploymentRecord>> {
    const { service, state, sinceMs, pageSize, scope, resume } = deploymentFilter(query);
    const all = [...this.deployments.keys()]
      .filter((s) => service === undefined || s === service)
      .sort()
      .flatMap((s) => inKeyOrder(this.deployments.get(s)))
      .filter((d) => state === undefined || d.state === state)
      .filter((d) => sinceMs === undefined || Date.parse(d.createdAt) >= sinceMs);
    const start =
      resume === undefined
        ? 0
        : all.findIndex(
            (d) =>
              d.service > resume.partition || (d.service === resume.partition && d.id >= (resume.row ?? '')),
          );
    const from = start < 0 ? all.length : start;
    const items = all.slice(from, from + pageSize);
    const next = all[from + pageSize];
    return next === undefined
      ? { items }
      : { items, continuationToken: encodeToken(scope, { partition: next.service, row: next.id }) };
  }

  async appendEvent(entry: TimelineEntry): Promise<void> {
    const rowKey = checkEvent(entry);
    partition(this.events, entry.deploymentId).set(rowKey, storable(fitEntry(entry)));
  }

  async appendEvents(entries: readonly TimelineEntry[]): Promise<void> {
    const rows = entries.map((entry) => ({ entry, rowKey: checkEvent(entry) }));
    if (new Set(entries.map((e) => e.deploymentId)).size > 1) {
      throw new RangeError('appendEvents: entries of more than one deployment.');
    }
    for (const { entry, rowKey } of rows) {
      partition(this.events, entry.deploymentId).set(rowKey, storable(fitEntry(entry)));
    }
  }

  async listEvents(deploymentId: string): Promise<TimelineEntry[]> {
    assertValidKey(deploymentId, 'deployment id');
    return inKeyOrder(this.events.get(deploymentId));
  }

  async enqueue(item: QueueItem): Promise<boolean> {
    checkQueueItem(item);
    const rows = partition(this.queue, item.service);
    if (rows.has(item.digest)) return false;
    rows.set(item.digest, copy(item));
    return true;
  }

  async listQueue(service: string, options?: { pending?: boolean }): Promise<QueueItem[]> {
    assertServiceKey(service);
    const items = inKeyOrder(this.queue.get(service)).sort(byEnqueuedAt);
    return options?.pending ? items.filter((q) => q.state === 'queued' || q.state === 'running') : items;
  }

  async recordDelivery(source: string, id: string): Promise<boolean> {
    assertValidKey(source, 'delivery source');
    assertValidKey(id, 'delivery id');
    const rows = partition(this.deliveries, source);
    if (rows.has(id)) return false;
    rows.set(id, true);
    return true;
  }

  async deliveryRecorded(source: string, id: string): Promise<boolean> {
    assertValidKey(source, 'delivery source');
    assertValidKey(id, 'delivery id');
    return this.deliveries.get(source)?.has(id) === true;
  }

  async setQueueState(service: string, digest: string, state: QueueItem['state']): Promise<void> {
    assertServiceKey(service);
    assertValidKey(digest, 'digest');
    assertQueueState(state);
    const item = this.queue.get(service)?.get(digest);
    if (item === undefined)
      throw new RunStoreError('not-found', `Queue item ${digest} of ${service} does not exist.`);
    item.state = state;
  }

  async recordRelease(release: ReleaseRecord): Promise<void> {
    const key = releasePartition(release.service, release.environment);
    partition(this.releases, key).set(releaseRowKey(release), storable(release));
  }

  async listReleases(
    service: string,
    environment: ReleaseRecord['environment'],
    limit?: number,
  ): Promise<ReleaseRecord[]> {
    const key = releasePartition(service, environment);
    const max = clampLimit(limit, DEFAULT_RELEASE_LIMIT, MAX_RELEASE_LIMIT, 'limit');
    return inKeyOrder(this.releases.get(key)).slice(0, max);
  }

  async recordApproval(approval: ApprovalRecord): Promise<void> {
    assertValidKey(approval.deploymentId, 'deployment id');
    partition(this.approvals, approval.deploymentId).set(approvalRowKey(approval), storable(approval));
  }

  async listApprovals(deploymentId: string): Promise<ApprovalRecord[]> {
    assertValidKey(deploymentId, 'deployment id');
    return inKeyOrder(this.approvals.get(deploymentId));
  }
  async putQuarantine(record: QuarantineRecord): Promise<void> {
    checkQuarantine(record);
    partition(this.quarantine, record.service).set(record.digest, storable(record));
  }

  async updateQuarantine(
    service: string,
    digest: string,
    change: (current: QuarantineRecord) => QuarantineRecord,
  ): Promise<QuarantineRecord> {
    // No await between read and write: the memory store's update is atomic.
    assertServiceKey(service);
    assertValidKey(digest, 'digest');
    const found = this.quarantine.get(service)?.get(digest);
    if (found === undefined)
      throw new RunStoreError('not-found', `Quarantine of ${digest} for ${service} does not exist.`);
    const next = change(copy(found));
    if (next.service !== service || next.digest !== digest)
      throw invalidArgument('A quarantine update must not change its service or digest.');
    checkQuarantine(next);
    partition(this.quarantine, service).set(digest, storable(next));
    return copy(next);
  }

  async getQuarantine(service: string, digest: string): Promise<QuarantineRecord | undefined> {
    assertServiceKey(service);
    assertValidKey(digest, 'digest');
    const found = this.quarantine.get(service)?.get(digest);
    return found && copy(found);
  }

  async listQuarantine(service: string): Promise<QuarantineRecord[]> {
    assertServiceKey(service);
    return inKeyOrder(this.quarantine.get(service)).sort(byQuarantinedAt);
  }

  async putHold(hold: HoldRecord): Promise<void> {
    checkHold(hold);
    this.holds.set(hold.service, storable(hold));
  }

  async getHold(service: string): Promise<HoldRecord | undefined> {
    assertServiceKey(service);
    const found = this.holds.get(service);
    return found && copy(found);
  }
}
