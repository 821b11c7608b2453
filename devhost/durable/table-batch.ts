/**
 * Size rules of Table Storage writes: an entity-group transaction takes at most 100 operations and
 * 4 MiB, all in one partition; an entity at most 1 MiB.
 */
import type { TransactionAction } from '@azure/data-tables';
import type { Row } from './table-codec.js';

/** Azure counts UTF-16 bytes, Azurite UTF-8 JSON bytes; both allow 1 MiB, minus room for system properties. */
const MAX_ENTITY_BYTES = 1024 * 1024 - 4096;
const MAX_BATCH_OPS = 100;
/** Under the 4 MiB batch limit, leaving room for the multipart framing. */
const MAX_BATCH_BYTES = 3.5 * 1024 * 1024;

export function row(partitionKey: string, rowKey: string): Row {
  return { partitionKey, rowKey };
}

export function upsert(entity: Row): TransactionAction {
  return ['upsert', entity, 'Replace'];
}

export function actionBytes([kind, entity]: TransactionAction): number {
  return kind === 'delete' ? 512 : rowBytes(entity as Row);
}

export function fitsOneBatch(actions: TransactionAction[]): boolean {
  if (actions.length > MAX_BATCH_OPS) return false;
  return actions.reduce((sum, action) => sum + actionBytes(action), 0) <= MAX_BATCH_BYTES;
}

/** Greedy split into transactions within the operation and size limits. */
export function batches(actions: TransactionAction[]): TransactionAction[][] {
  const chunks: TransactionAction[][] = [];
  let current: TransactionAction[] = [];
  let bytes = 0;
  for (const action of actions) {
    const size = actionBytes(action);
    if (current.length === MAX_BATCH_OPS || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(action);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: unknown } | null)?.statusCode === 404;
}

/**
 * Upper bound of an operation's share of a batch body. Large values are JSON text (no raw control
 * chars), so 3 UTF-8 bytes per char also covers the escaping of quotes and backslashes.
 */
export function rowBytes(row: Row): number {
  let bytes = 512;
  for (const [key, value] of Object.entries(row)) {
    bytes += key.length + 48 + (typeof value === 'string' ? value.length * 3 : 32);
  }
  return bytes;
}

/** A clear error instead of the service's bare 413/400 when input, output or bookkeeping grow too big. */
export function checkEntitySize(row: Row, instanceId: string): void {
  if (rowBytes(row) <= MAX_ENTITY_BYTES) return;
  let chars = 0;
  for (const value of Object.values(row)) if (typeof value === 'string') chars += value.length;
  const bytes = Math.max(Buffer.byteLength(JSON.stringify(row)), chars * 2);
  if (bytes > MAX_ENTITY_BYTES) {
    throw new Error(
      `Instance ${instanceId} is too large for one Table entity (${bytes} bytes, limit ${MAX_ENTITY_BYTES}): ` +
        'input, output, custom status and bookkeeping together must stay under 1 MiB',
    );
  }
}
