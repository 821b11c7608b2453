/**
 * Pure rules of Gantry's RunStore layout in Table Storage: key validation, derived row keys, paging
 * limits and opaque continuation tokens. Shared by the adapter (table-store.ts) and the in-memory fake so
 * the two reject the same inputs and order results the same way.
 */
import { createHash } from 'node:crypto';
import type {
  ApprovalRecord,
  DeploymentRecord,
  DeploymentState,
  QueueItem,
  ReleaseRecord,
  TimelineEntry,
} from '../domain/deployment.js';
import type { HoldRecord, QuarantineRecord } from '../domain/quarantine.js';
import { RunStoreError, type DeploymentQuery } from '../ports/run-store.js';

/** Table Storage counts key size in UTF-16: 1 KiB = 512 code units (513 is rejected, seen on Azurite). */
export const MAX_KEY_CHARS = 512;
/** `/ \ # ?` are disallowed in keys; so are C0 and C1 control characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_KEY_CHARS = /[/\\#?\u0000-\u001f\u007f-\u009f]/;
/** With the `u` flag only unpaired surrogates are code points of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Index rows (deployment id -> service) share the Deployments table under this partition. */
export const ID_INDEX_PARTITION = '~ids';
/**
 * Row key of a deployment's id index row in its own DeploymentEvents partition (sorts after every seq
 * key), so the index row and the first timeline entry go in one entity-group transaction.
 */
export const ID_INDEX_ROW = '~index';
/**
 * Queue rows live in the Deployments table, in the service's partition, under this row key prefix
 * (after every deployment id), so a deployment and its queue row are written in one transaction.
 */
const QUEUE_ROW_PREFIX = '~queue|';
export const QUEUE_ROWS = { from: QUEUE_ROW_PREFIX, below: '~queue}' } as const;
export const queueRowKey = (digest: string): string => `${QUEUE_ROW_PREFIX}${digest}`;
export const digestOfQueueRow = (rowKey: string | undefined): string =>
  rowKey?.startsWith(QUEUE_ROW_PREFIX) ? rowKey.slice(QUEUE_ROW_PREFIX.length) : (rowKey ?? '');

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_RELEASE_LIMIT = 20;
export const MAX_RELEASE_LIMIT = 200;

/** Timeline seqs are orchestration time in ms × 1000 plus a slot (16 digits); keep every key the same width. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** Largest epoch ms a JS Date holds; inverting against it makes newer times sort first as strings. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

/** Compile-time complete: adding a state to the union without listing it here fails to build. */
const STATES: Record<DeploymentState, true> = {
  Queued: true,
  Gating: true,
  Staging: true,
  Testing: true,
  AwaitingApproval: true,
  Canary: true,
  Promoting: true,
  Verifying: true,
  Succeeded: true,
  Failed: true,
  RolledBack: true,
  Cancelled: true,
  Superseded: true,
};
const QUEUE_STATES: Record<QueueItem['state'], true> = {
  queued: true,
  running: true,
  done: true,
  superseded: true,
  removed: true,
};
const ENVIRONMENTS: Record<ReleaseRecord['environment'], true> = { staging: true, production: true };

/** Short printable form of a rejected value (keys are not secrets, but may be long or hold controls). */
function show(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value.slice(0, 64) : typeof value) ?? '';
  return typeof value === 'string' && value.length > 64 ? `${text}...` : text;
}

export function invalidArgument(message: string): RunStoreError {
  return new RunStoreError('invalid-argument', message);
}

export function notFound(what: string): RunStoreError {
  return new RunStoreError('not-found', `${what} does not exist.`);
}

/** Throws `invalid-key` unless `value` can be a PartitionKey or RowKey as is. */
export function assertValidKey(value: unknown, what: string): asserts value is string {
  let reason: string | undefined;
  if (typeof value !== 'string' || value.length === 0) reason = 'must be a non-empty string';
  else if (value.length > MAX_KEY_CHARS) reason = `must be at most ${MAX_KEY_CHARS} UTF-16 code units`;
  else if (FORBIDDEN_KEY_CHARS.test(value)) reason = 'must not contain / \\ # ? or control characters';
  else if (LONE_SURROGATE.test(value)) reason = 'must not contain lone surrogates';
  if (reason !== undefined)
    throw new RunStoreError('invalid-key', `Invalid ${what} ${show(value)}: ${reason}.`);
}

/** A service is a partition key; `~` names are reserved for Gantry's own index rows. */
export function assertServiceKey(value: unknown): asserts value is string {
  assertValidKey(value, 'service');
  if (value.startsWith('~')) {
    throw new RunStoreError(
      'invalid-key',
      `Invalid service ${show(value)}: names starting with ~ are reserved.`,
    );
  }
}

/** Parses an ISO-8601 time into epoch ms or throws `invalid-argument`. */
export function parseTime(value: unknown, what: string): number {
  // The length cap matters: Date.parse accepts `(comments)`, which would let a time carry a megabyte.
  const ms = typeof value === 'string' && value.length <= 64 ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw invalidArgument(`Invalid ${what} ${show(value)}: expected an ISO-8601 time.`);
  return ms;
}

export function assertState(value: unknown): asserts value is DeploymentState {
  if (typeof value !== 'string' || !Object.hasOwn(STATES, value)) {
    throw invalidArgument(`Invalid deployment state ${show(value)}.`);
  }
}

export function assertQueueState(value: unknown): asserts value is QueueItem['state'] {
  if (typeof value !== 'string' || !Object.hasOwn(QUEUE_STATES, value)) {
    throw invalidArgument(`Invalid queue state ${show(value)}.`);
  }
}

/** Zero-padded so that string order (RowKey order) is numeric order. */
export function seqKey(seq: unknown): string {
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
    throw invalidArgument(`Invalid timeline seq ${show(seq)}: expected an integer 0-${MAX_SEQ}.`);
  }
  return String(seq).padStart(16, '0');
}

/**
 * Releases of one service in one environment share a partition. The environment is a fixed suffix, so
 * the key decodes unambiguously even if a service name contains `|`.
 */
export function releasePartition(service: unknown, environment: unknown): string {
  assertServiceKey(service);
  if (typeof environment !== 'string' || !Object.hasOwn(ENVIRONMENTS, environment)) {
    throw invalidArgument(`Invalid environment ${show(environment)}: expected staging or production.`);
  }
  const key = `${service}|${environment}`;
  assertValidKey(key, 'release partition');
  return key;
}

/** Inverted time first, so the newest release is the first row of its partition. */
export function releaseRowKey(release: ReleaseRecord): string {
  const ms = parseTime(release.releasedAt, 'releasedAt');
  // Before 1970 the inverted value would pass 2^53 and lose precision; releases never predate Gantry.
  if (ms < 0) throw invalidArgument('Invalid releasedAt: must not be before 1970.');
  assertValidKey(release.deploymentId, 'deployment id');
  // A rollback always follows the release it undoes; on the virtual clock both can share a millisecond,
  // so at equal times a rollback sorts first (`0`) and is the newest release, whatever the ids.
  const rank = release.via === 'rollback' ? 0 : 1;
  const key = `${String(MAX_EPOCH_MS - ms).padStart(16, '0')}|${rank}|${release.deploymentId}`;
  assertValidKey(key, 'release row key');
  return key;
}

/**
 * Normalised time first (oldest first in RowKey order), then the approver, URI-encoded because Entra
 * guest names contain `#` (`alice_example.com#EXT#@tenant`). The same approval retried = the same row.
 */
export function approvalRowKey(approval: ApprovalRecord): string {
  const ms = parseTime(approval.at, 'approval time');
  const approver = approval.approver;
  if (typeof approver !== 'string' || approver.length === 0 || LONE_SURROGATE.test(approver)) {
    throw invalidArgument(`Invalid approver ${show(approver)}.`);
  }
  const key = `${new Date(ms).toISOString()}|${encodeURIComponent(approver)}`;
  assertValidKey(key, 'approval row key');
  return key;
}

/** `undefined` = default; above the maximum is clamped (a client asking for more gets the maximum). */
export function clampLimit(value: unknown, fallback: number, max: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidArgument(`Invalid ${what} ${show(value)}: expected a positive integer.`);
  }
  return Math.min(value, max);
}

/** Where a listing resumes: the first row at or after (partition, row). */
export interface ResumePoint {
  partition: string;
  row?: string;
}

const TOKEN_SHAPE = /^v1\.([A-Za-z0-9_-]{1,8192})\.([A-Za-z0-9_-]{22})$/;

function tokenCheck(scope: string, payload: string): string {
  return createHash('sha256')
    .update(`gantry-run-store\n${scope}\n${payload}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * An opaque token: the resume point plus a check bound to the query (`scope`), so a token altered in
 * transit or replayed against another filter is refused. The hash is not a secret: a forged token can
 * only move the start of a listing the caller could read anyway, as filters are always re-applied.
 */
export function encodeToken(scope: string, point: ResumePoint): string {
  const payload = Buffer.from(JSON.stringify({ p: point.partition, r: point.row })).toString('base64url');
  return `v1.${payload}.${tokenCheck(scope, payload)}`;
}

export function decodeToken(scope: string, token: unknown): ResumePoint {
  const match = typeof token === 'string' ? TOKEN_SHAPE.exec(token) : null;
  const payload = match?.[1];
  if (payload === undefined || match?.[2] !== tokenCheck(scope, payload)) throw invalidToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const { p, r } = (parsed ?? {}) as { p?: unknown; r?: unknown };
  if (typeof p !== 'string' || p.length === 0 || (r !== undefined && typeof r !== 'string'))
    throw invalidToken();
  return r === undefined ? { partition: p } : { partition: p, row: r };
}

function invalidToken(): RunStoreError {
  return new RunStoreError(
    'invalid-continuation-token',
    'The continuation token is malformed, altered, or belongs to a different query.',
  );
}

/** Checks what Table Storage needs of a deployment before any request. */
export function checkDeployment(record: DeploymentRecord): void {
  assertServiceKey(record.service);
  assertValidKey(record.id, 'deployment id');
  if (record.id.startsWith('~'))
    throw new RunStoreError('invalid-key', 'Invalid deployment id: ids starting with ~ are reserved.');
  assertState(record.state);
  parseTime(record.createdAt, 'createdAt');
}

export function checkEvent(entry: TimelineEntry): string {
  assertValidKey(entry.deploymentId, 'deployment id');
  parseTime(entry.at, 'event time');
  if (typeof entry.title !== 'string') throw invalidArgument('Invalid event title: expected a string.');
  return seqKey(entry.seq);
}

/** A deployment's first timeline entry, written with it: checked before anything is written. */
export function checkFirstEntry(record: DeploymentRecord, entry: TimelineEntry): string {
  if (entry.deploymentId !== record.id)
    throw invalidArgument('A first timeline entry must belong to the deployment it is created with.');
  return checkEvent(entry);
}

/** A queue item written with its deployment: checked before anything is written. */
export function checkQueueItemOf(record: DeploymentRecord, item: QueueItem): void {
  checkQueueItem(item);
  if (item.deploymentId !== record.id || item.service !== record.service)
    throw invalidArgument('A queue item must belong to the deployment it is created with.');
}

export function checkQueueItem(item: QueueItem): void {
  assertServiceKey(item.service);
  assertValidKey(item.digest, 'digest');
  assertValidKey(item.deploymentId, 'deployment id');
  parseTime(item.enqueuedAt, 'enqueuedAt');
  assertQueueState(item.state);
}

/** A validated DeploymentQuery; `scope` identifies the filter that continuation tokens are bound to. */
export interface DeploymentFilter {
  service?: string;
  state?: DeploymentState;
  sinceMs?: number;
  pageSize: number;
  scope: string;
  resume?: ResumePoint;
}

export function deploymentFilter(query: DeploymentQuery): DeploymentFilter {
  const { service, state, since } = query;
  if (service !== undefined) assertServiceKey(service);
  if (state !== undefined) assertState(state);
  const sinceMs = since === undefined ? undefined : parseTime(since, 'since');
  const pageSize = clampLimit(query.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, 'page size');
  const scope = JSON.stringify(['deployments', service ?? null, state ?? null, sinceMs ?? null]);
  const filter: DeploymentFilter = { service, state, sinceMs, pageSize, scope };
  if (query.continuationToken !== undefined) filter.resume = decodeToken(scope, query.continuationToken);
  return filter;
}

/** Queue order: oldest `enqueuedAt` first, then digest. */
export function byEnqueuedAt(a: QueueItem, b: QueueItem): number {
  const byTime = Date.parse(a.enqueuedAt) - Date.parse(b.enqueuedAt);
  return byTime !== 0 ? byTime : a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
}

/** The single row key of a service's hold (one hold per lane). */
export const HOLD_ROW = 'hold';

export function checkQuarantine(q: QuarantineRecord): void {
  assertServiceKey(q.service);
  assertValidKey(q.digest, 'digest');
  assertValidKey(q.deploymentId, 'deployment id');
  parseTime(q.at, 'quarantine time');
  if (q.lifted) parseTime(q.lifted.at, 'lift time');
}

export function checkHold(h: HoldRecord): void {
  assertServiceKey(h.service);
  assertValidKey(h.deploymentId, 'deployment id');
  parseTime(h.at, 'hold time');
  if (h.lifted) parseTime(h.lifted.at, 'lift time');
}

/** Quarantine order on the board: newest first, then digest. */
export function byQuarantinedAt(a: QuarantineRecord, b: QuarantineRecord): number {
  const byTime = Date.parse(b.at) - Date.parse(a.at);
  return byTime !== 0 ? byTime : a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
}
