/**
 * How RunStore records become Table Storage rows: JSON spread over numbered string properties
 * (one property holds 64 KiB) and timeline entries cut to fit one entity (1 MiB). Shared by the adapter
 * and the in-memory fake, so both return the same stored form.
 *
 * The JSON is stored as ASCII (`\uXXXX` escapes for everything else). Azurite 3.35 decodes an insert's
 * body chunk by chunk (`segments.join("")` in `generated/utils/serializer.js`), which corrupts any
 * multi-byte character split across a 64 KiB chunk; ASCII cannot be split, and the dev host runs on
 * Azurite. It also lets parts be cut anywhere without separating surrogate pairs.
 */
import type { DeploymentRecord, QueueItem, TimelineEntry } from '../domain/deployment.js';
import { RunStoreError } from '../ports/run-store.js';
import { invalidArgument } from './table-keys.js';

/** A string property holds 64 KiB of UTF-16 (32,768 code units); 30,000 leaves a margin. */
export const CHUNK_CHARS = 30_000;
/** ~900 KB of UTF-16 for a record's JSON, leaving the rest of the 1 MiB entity to keys and columns. */
export const MAX_JSON_CHARS = 450_000;

export type JsonColumns = Record<string, string | number>;

/** JSON text in which every character is ASCII. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A prefix of `text` that does not end in the first half of a surrogate pair. */
function cut(text: string, chars: number): string {
  let end = Math.max(0, Math.min(chars, text.length));
  if (end > 0 && end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

/** `Json0..Json<n-1>` with `JsonParts = n`; refuses records whose JSON cannot fit one entity. */
export function encodeJson(value: unknown): JsonColumns {
  const json = asciiJson(value);
  if (json.length > MAX_JSON_CHARS) {
    throw invalidArgument(
      `Record too large to store: ${json.length} characters of JSON (max ${MAX_JSON_CHARS}).`,
    );
  }
  const columns: JsonColumns = {};
  let parts = 0;
  for (let start = 0; start < json.length; start += CHUNK_CHARS) {
    columns[`Json${parts++}`] = json.slice(start, start + CHUNK_CHARS);
  }
  columns.JsonParts = parts;
  return columns;
}

/** Reads back what `encodeJson` wrote; anything else is `corrupt-record`. */
export function decodeJson(row: Readonly<Record<string, unknown>>, what: string): unknown {
  const parts = row.JsonParts;
  const corrupt = (): RunStoreError =>
    new RunStoreError('corrupt-record', `Stored ${what} cannot be decoded.`);
  if (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1 || parts > 100) throw corrupt();
  let json = '';
  for (let i = 0; i < parts; i++) {
    const part = row[`Json${i}`];
    if (typeof part !== 'string') throw corrupt();
    json += part;
  }
  try {
    return JSON.parse(json);
  } catch {
    throw corrupt();
  }
}

/**
 * The entry as it will be stored: unchanged when its JSON fits an entity, else evidence (what grows:
 * samples, query results) is replaced by `{ truncated: true, originalChars, preview }` with as much of
 * its JSON text as fits, and long free text is shortened. A retried activity gets the same result.
 */
export function fitEntry(entry: TimelineEntry): TimelineEntry {
  if (asciiJson(entry).length <= MAX_JSON_CHARS) return entry;
  const base: TimelineEntry = { ...entry, title: cut(entry.title, 1_000), evidence: undefined };
  if (entry.actor !== undefined) base.actor = cut(entry.actor, 1_000);
  if (entry.comment !== undefined) base.comment = cut(entry.comment, 16_000);
  if (entry.evidence === undefined) return base;
  const evidence = JSON.stringify(entry.evidence);
  let previewChars = MAX_JSON_CHARS;
  // Escaping makes the stored preview longer than the cut; cutting the overflow fits in one more round.
  for (let round = 0; round < 3 && previewChars >= 0; round++) {
    const marker = { truncated: true, originalChars: evidence.length, preview: cut(evidence, previewChars) };
    const fitted: TimelineEntry = { ...base, evidence: marker };
    const over = asciiJson(fitted).length - MAX_JSON_CHARS;
    if (over <= 0) return fitted;
    previewChars = marker.preview.length - over;
  }
  // Only fields that are never large (ids, kind, verdict) remain to blame.
  throw invalidArgument('Timeline entry too large to store, even without its evidence.');
}

/** A stored row as the SDK returns it. */
export type StoredRow = Readonly<Record<string, unknown>> & { partitionKey?: string; rowKey?: string };

export function deploymentEntity(
  record: DeploymentRecord,
): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: record.service,
    rowKey: record.id,
    Service: record.service,
    State: record.state,
    CreatedAt: record.createdAt,
    // DateTime-typed twin of CreatedAt: `since` filters compare times, not strings in mixed formats.
    CreatedTime: new Date(Date.parse(record.createdAt)),
    ...encodeJson(record),
  };
}

export function readDeployment(row: StoredRow): DeploymentRecord {
  return decodeJson(row, 'deployment') as DeploymentRecord;
}

/** Queue rows are columns only, so that `setQueueState` can be a plain merge of `State`. */
export function readQueueItem(row: StoredRow): QueueItem {
  const { DeploymentId, EnqueuedAt, State, partitionKey = '', rowKey = '' } = row;
  if (typeof DeploymentId !== 'string' || typeof EnqueuedAt !== 'string' || typeof State !== 'string') {
    throw new RunStoreError('corrupt-record', 'Stored queue item cannot be decoded.');
  }
  const state = State as QueueItem['state'];
  return { service: partitionKey, digest: rowKey, deploymentId: DeploymentId, enqueuedAt: EnqueuedAt, state };
}
