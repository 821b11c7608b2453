/**
 * How task-hub records map onto Table Storage entities (the layout itself is explained in
 * table-store.ts). Pure functions, so the size rules can be unit-tested without a server.
 *
 * Limits that shape this file: keys may not contain `/ \ # ?` or control characters and are at most
 * 1 KiB; a string property holds at most 32K UTF-16 chars; an entity at most 1 MiB (Azurite measures its
 * UTF-8 JSON, Azure its UTF-16 size); a batch at most 100 operations and 4 MiB.
 */
import { createHash } from 'node:crypto';
import { odata, type TableEntity } from '@azure/data-tables';
import type { EpisodeCommit, HistoryEvent, InboxMessage, InstanceQuery, InstanceState } from './types.js';
import { isUnfinished, parseTime } from './store-common.js';
import { checkEntitySize } from './table-batch.js';

export type Row = TableEntity<Record<string, unknown>>;

export const INSTANCE_ROW = 'I';
export const INBOX_PREFIX = 'M|';
/** Chars per string property: under the 32,768 limit with room for a moved surrogate. */
export const PART_CHARS = 30_000;
/** Parts per history row: 10 x 30,000 chars is <= 900 KB even if every char takes 3 UTF-8 bytes. */
export const ROW_PARTS = 10;
/** Azure: 1 KiB of UTF-16; Azurite rejects longer keys too. */
const MAX_KEY_CHARS = 512;

/** Bookkeeping kept on the instance row next to the InstanceState fields. */
export interface InstanceMeta {
  executionId: string;
  /** Committed history length of `executionId`; rows beyond it are leftovers of an interrupted commit. */
  historyLength: number;
  /** Fingerprint of the last applied commit and where its events start, to recognise a retry. */
  commitKey: string;
  commitStart: number;
  /** Consumed inbox ids whose deletion may not have finished (crash-safe commit path). */
  pending: string[];
}

export function emptyMeta(executionId: string): InstanceMeta {
  return { executionId, historyLength: 0, commitKey: '', commitStart: 0, pending: [] };
}

/** Forbidden key chars, the separator `|` and the escape char `%` itself (so decoding is unambiguous). */
function isUnsafeKeyChar(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x25 || // %
    code === 0x2f || // /
    code === 0x5c || // backslash
    code === 0x23 || // #
    code === 0x3f || // ?
    code === 0x7c // |
  );
}

/** Reversible and prefix-preserving (each char maps independently), so prefix range scans still work. */
export function escapeKey(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    out += isUnsafeKeyChar(code) ? '%' + code.toString(16).toUpperCase().padStart(2, '0') : value[i];
  }
  return out;
}

export function unescapeKey(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function partitionKey(instanceId: string): string {
  if (instanceId.length === 0) throw new Error('Instance id must not be empty');
  return checkKey(escapeKey(instanceId), 'Instance id');
}

export function inboxRowKey(messageId: string): string {
  return checkKey(INBOX_PREFIX + escapeKey(messageId), 'Inbox message id');
}

export function historyPrefix(executionId: string): string {
  return `H|${escapeKey(executionId)}|`;
}

/** Fixed-width numbers: rows sort by (start, index) and the key parses from its end. */
export function historyRowKey(executionId: string, start: number, index: number): string {
  const key = `${historyPrefix(executionId)}${String(start).padStart(10, '0')}|${String(index).padStart(4, '0')}`;
  return checkKey(key, 'Execution id');
}

function checkKey(key: string, what: string): string {
  if (key.length > MAX_KEY_CHARS)
    throw new Error(`${what} is too long for a Table key (${key.length} chars)`);
  return key;
}

/** Smallest string greater than every string starting with `prefix` (exclusive upper bound of a scan). */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** Splits without cutting a surrogate pair: half a pair would not survive the JSON round trip. */
export function splitText(text: string, maxChars = PART_CHARS): string[] {
  const parts: string[] = [];
  let at = 0;
  do {
    let end = Math.min(at + maxChars, text.length);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    parts.push(text.slice(at, end));
    at = end;
  } while (at < text.length);
  return parts;
}

/** `<name>N` holds the part count (absent = null), `<name>0..` the parts. */
export function writeText(row: Row, name: string, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  const parts = splitText(value);
  row[`${name}N`] = parts.length;
  parts.forEach((part, i) => (row[`${name}${i}`] = part));
}

export function readText(row: Record<string, unknown>, name: string): string | null {
  const count = row[`${name}N`];
  if (typeof count !== 'number') return null;
  let text = '';
  for (let i = 0; i < count; i++) text += str(row[`${name}${i}`]);
  return text;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function readJson<T>(row: Record<string, unknown>, name: string): T | undefined {
  const text = readText(row, name);
  return text ? (JSON.parse(text) as T) : undefined;
}

/**
 * The whole record is stored as JSON text (`State`), so fields the engine adds later round-trip without
 * codec changes; the typed columns beside it exist only for server-side filters and for humans
 * browsing the table.
 */
export function instanceToRow(instance: InstanceState, meta: InstanceMeta): Row {
  const row: Row = {
    partitionKey: partitionKey(instance.instanceId),
    rowKey: INSTANCE_ROW,
    Name: instance.name,
    RuntimeStatus: instance.runtimeStatus,
    Unfinished: isUnfinished(instance),
    ExecutionId: instance.executionId,
    HistoryLength: meta.historyLength,
    CommitKey: meta.commitKey,
    CommitStart: meta.commitStart,
  };
  const created = new Date(instance.createdTime);
  if (!Number.isNaN(created.getTime())) row.CreatedAt = created;
  writeText(row, 'State', JSON.stringify(instance));
  if (meta.pending.length > 0) writeText(row, 'Pending', JSON.stringify(meta.pending));
  checkEntitySize(row, instance.instanceId);
  return row;
}

export function rowToInstance(row: Record<string, unknown>): InstanceState {
  const state = readJson<InstanceState>(row, 'State');
  if (!state) throw new Error(`Instance row without state in partition ${String(row.partitionKey)}`);
  return state;
}

export function rowToMeta(row: Record<string, unknown>): InstanceMeta {
  return {
    executionId: str(row.ExecutionId),
    historyLength: typeof row.HistoryLength === 'number' ? row.HistoryLength : 0,
    commitKey: str(row.CommitKey),
    commitStart: typeof row.CommitStart === 'number' ? row.CommitStart : 0,
    pending: readJson<string[]>(row, 'Pending') ?? [],
  };
}

export function messageToRow(message: InboxMessage): Row {
  const row: Row = { partitionKey: partitionKey(message.instanceId), rowKey: inboxRowKey(message.id) };
  if (message.executionId !== undefined) row.ExecutionId = message.executionId;
  writeText(row, 'Event', JSON.stringify(message.event));
  return row;
}

export function rowToMessage(row: Row): InboxMessage {
  const message: InboxMessage = {
    id: unescapeKey(row.rowKey.slice(INBOX_PREFIX.length)),
    instanceId: unescapeKey(row.partitionKey),
    event: JSON.parse(readText(row, 'Event') ?? 'null') as HistoryEvent,
  };
  if (typeof row.ExecutionId === 'string') message.executionId = row.ExecutionId;
  return message;
}

/**
 * One commit's events as a "group": the JSON array text cut into rows of ROW_PARTS parts. Row 0 also
 * records how many events and rows the group has, so leftovers of a longer interrupted attempt at the
 * same keys are ignored when reading.
 */
export function historyRows(
  instanceId: string,
  executionId: string,
  start: number,
  events: HistoryEvent[],
  json = JSON.stringify(events),
): Row[] {
  const pk = partitionKey(instanceId);
  const parts = splitText(json);
  const rows: Row[] = [];
  for (let i = 0; i * ROW_PARTS < parts.length; i++) {
    const slice = parts.slice(i * ROW_PARTS, (i + 1) * ROW_PARTS);
    const row: Row = { partitionKey: pk, rowKey: historyRowKey(executionId, start, i), DN: slice.length };
    slice.forEach((part, j) => (row[`D${j}`] = part));
    rows.push(row);
  }
  const first = rows[0];
  if (first) Object.assign(first, { Count: events.length, Rows: rows.length });
  return rows;
}

interface Group {
  count: number;
  rows: number;
  texts: string[];
}

/**
 * Reassembles the groups of one execution in order, up to `committed` events (rows past it belong to a
 * commit that never finished). A gap ends the history: only contiguous groups were ever committed.
 */
export function decodeHistory(rows: Iterable<Row>, committed: number): HistoryEvent[] {
  const groups = new Map<number, Group>();
  for (const row of rows) {
    const start = Number(row.rowKey.slice(-15, -5));
    const index = Number(row.rowKey.slice(-4));
    let group = groups.get(start);
    if (!group) groups.set(start, (group = { count: -1, rows: -1, texts: [] }));
    if (index === 0) Object.assign(group, { count: row.Count, rows: row.Rows });
    group.texts[index] = readText(row, 'D') ?? '';
  }
  const events: HistoryEvent[] = [];
  for (const start of [...groups.keys()].sort((a, b) => a - b)) {
    const group = groups.get(start);
    if (start >= committed || start !== events.length || !group) break;
    let text = '';
    for (let i = 0; i < group.rows; i++) {
      const part = group.texts[i];
      if (part === undefined) throw new Error(`History group at ${start} is missing row ${i}`);
      text += part;
    }
    const parsed = JSON.parse(text) as HistoryEvent[];
    if (parsed.length !== group.count) throw new Error(`History group at ${start} has a wrong event count`);
    events.push(...parsed);
  }
  return events;
}

/** Every value goes through the `odata` tag, which quotes and escapes it. */
export function instanceFilter(query: InstanceQuery): string {
  const parts = [odata`RowKey eq ${INSTANCE_ROW}`];
  if (query.instanceIdPrefix) {
    const prefix = escapeKey(query.instanceIdPrefix);
    parts.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${prefixEnd(prefix)}`);
  }
  if (query.createdTimeFrom !== undefined) {
    parts.push(odata`CreatedAt ge ${new Date(parseTime(query.createdTimeFrom, 'createdTimeFrom'))}`);
  }
  if (query.createdTimeTo !== undefined) {
    parts.push(odata`CreatedAt le ${new Date(parseTime(query.createdTimeTo, 'createdTimeTo'))}`);
  }
  if (query.runtimeStatus?.length) {
    parts.push(`(${query.runtimeStatus.map((status) => odata`RuntimeStatus eq ${status}`).join(' or ')})`);
  }
  return parts.join(' and ');
}

/** Identifies a commit so that a retry of the last one is recognised (see commitEpisode). */
export function fingerprint(commit: EpisodeCommit, eventsJson: string): string {
  return createHash('sha1')
    .update(`${commit.instance.executionId}\n${commit.newExecution === true}\n`)
    .update(JSON.stringify(commit.consumedMessageIds))
    .update(eventsJson)
    .digest('base64');
}
