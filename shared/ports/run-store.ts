import type {
  ApprovalRecord,
  DeploymentRecord,
  DeploymentState,
  QueueItem,
  ReleaseRecord,
  TimelineEntry,
} from '../domain/deployment.js';
import type { HoldRecord, QuarantineRecord } from '../domain/quarantine.js';

export interface DeploymentQuery {
  service?: string;
  state?: DeploymentState;
  /** ISO time: only deployments created at or after it. */
  since?: string;
  pageSize?: number;
  continuationToken?: string;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

/** Stable codes of RunStore failures; callers branch on these, never on messages. */
export type RunStoreErrorCode =
  /** A key (service, id, digest, ...) is empty, too long or holds `/ \ # ?` or control characters. */
  | 'invalid-key'
  /** A value other than a key is malformed (time, seq, page size, state, a change that moves the record). */
  | 'invalid-argument'
  /** A continuation token was not produced by this store for this query, or was altered. */
  | 'invalid-continuation-token'
  /** The record to update does not exist. */
  | 'not-found'
  /** A deployment id is already used by another service (ids must be unique across services). */
  | 'id-conflict'
  | 'concurrency-conflict'
  /** A stored row cannot be decoded. */
  | 'corrupt-record'
  /** The store's options are unusable (connection string, endpoint, table prefix). */
  | 'invalid-configuration'
  /** The storage service failed or could not be reached; the message is safe to log. */
  | 'storage-error';

/** Every RunStore failure; messages never contain secrets (account keys, SAS tokens). */
export class RunStoreError extends Error {
  constructor(
    readonly code: RunStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RunStoreError';
  }
}

/** Why a guarded write did not happen. */
export class ConcurrencyError extends RunStoreError {
  declare readonly code: 'concurrency-conflict';

  constructor(message = 'The record kept changing under a guarded write.') {
    super('concurrency-conflict', message);
    this.name = 'ConcurrencyError';
  }
}

/**
 * Gantry's own records in Azure Table Storage. Every write is idempotent (activities may run twice);
 * keys are validated; writes that two callers can race on are ETag-guarded.
 */
/** What `createDeployment` writes with a new deployment. */
export interface CreateAlso {
  /** Its first timeline entry (`->Queued`). */
  entry?: TimelineEntry;
  /** Its queue row: a deployment recorded this way is never without it. */
  queueItem?: QueueItem;
}

export interface RunStore {
  /**
   * Creates the deployment if it does not exist; returns the stored record and whether it was new.
   * `also` is written with it when this call creates it (in the same requests where the store can, the
   * queue item atomically with the record), never with a known one: a redelivery adds nothing.
   */
  createDeployment(
    record: DeploymentRecord,
    also?: CreateAlso,
  ): Promise<{ record: DeploymentRecord; created: boolean }>;
  getDeployment(service: string, id: string): Promise<DeploymentRecord | undefined>;
  /** Finds a deployment by id alone (ids embed the service, but callers may not know it). */
  findDeployment(id: string): Promise<DeploymentRecord | undefined>;
  /**
   * Applies `change` to the current record with an ETag guard, retrying on conflicts, so `change` may run
   * more than once and must be pure. Throws `not-found`, or `ConcurrencyError` when retries run out.
   */
  updateDeployment(
    service: string,
    id: string,
    change: (current: DeploymentRecord) => DeploymentRecord,
  ): Promise<DeploymentRecord>;
  /** Ordered by service, then id (not by time). Page size 50 by default, at most 200 (larger is clamped). */
  listDeployments(query: DeploymentQuery): Promise<Page<DeploymentRecord>>;

  /**
   * Appends a timeline entry at `entry.seq` (idempotent: same seq = same entry). Evidence too large for
   * one stored row comes back as `{ truncated: true, originalChars, preview }`.
   */
  appendEvent(entry: TimelineEntry): Promise<void>;
  /**
   * Appends several entries of ONE deployment, each as `appendEvent` would (same keys, same idempotency:
   * a replayed seq replaces its entry). One storage round trip per 100 entries instead of one per entry;
   * entries of different deployments are refused (`RangeError`), nothing written.
   */
  appendEvents(entries: readonly TimelineEntry[]): Promise<void>;
  /** In `seq` order. */
  listEvents(deploymentId: string): Promise<TimelineEntry[]>;

  /** Adds (service, digest) to the queue unless present; returns whether it was added. */
  enqueue(item: QueueItem): Promise<boolean>;
  /**
   * Oldest `enqueuedAt` first. With `pending`, only items still `queued` or `running` (what lanes and
   * hot paths need; the full list grows with the service's history).
   */
  listQueue(service: string, options?: { pending?: boolean }): Promise<QueueItem[]>;
  /** Changes only the state; `not-found` if the item was never enqueued. */
  setQueueState(service: string, digest: string, state: QueueItem['state']): Promise<void>;

  recordRelease(release: ReleaseRecord): Promise<void>;
  /** Newest first; `limit` 20 by default, at most 200. */
  listReleases(
    service: string,
    environment: ReleaseRecord['environment'],
    limit?: number,
  ): Promise<ReleaseRecord[]>;

  recordApproval(approval: ApprovalRecord): Promise<void>;
  /** Oldest first; the same approver at the same time is one entry. */
  listApprovals(deploymentId: string): Promise<ApprovalRecord[]>;

  /**
   * Remembers a webhook delivery (`source` e.g. `github`, `id` its delivery id); true the first time,
   * false for a replay. Insert-only, so concurrent replays agree on a single `true`.
   */
  recordDelivery(source: string, id: string): Promise<boolean>;
  /** Whether `recordDelivery` has recorded this delivery (a replay of a delivery already acted on). */
  deliveryRecorded(source: string, id: string): Promise<boolean>;
  /** Writes (replaces) the quarantine row of (service, digest): a point write. */
  putQuarantine(record: QuarantineRecord): Promise<void>;
  /**
   * Applies `change` to the stored quarantine with an ETag guard (retrying on conflicts, so `change` must
   * be pure): a refusal counted while an Operator lifts it cannot undo the lift. Throws `not-found`.
   */
  updateQuarantine(
    service: string,
    digest: string,
    change: (current: QuarantineRecord) => QuarantineRecord,
  ): Promise<QuarantineRecord>;
  /** A point read: the quarantine of one digest (lifted ones included, for their audit). */
  getQuarantine(service: string, digest: string): Promise<QuarantineRecord | undefined>;
  /** The service's quarantine rows (one partition), newest first. */
  listQuarantine(service: string): Promise<QuarantineRecord[]>;
  /** Writes (replaces) the hold of a service's lane: a point write. */
  putHold(hold: HoldRecord): Promise<void>;
  /** A point read: the service's hold, lifted or not (undefined: never held). */
  getHold(service: string): Promise<HoldRecord | undefined>;
}
