/**
 * The parts of the RunStore adapter that touch `@azure/data-tables` directly: table names, building
 * clients without leaking credentials, turning SDK errors into safe ones, and reading pages resumed
 * from a point this store's own continuation tokens carry.
 *
 * SDK errors become `TableStorageError` with status, service code, table and operation only: the SDK's
 * error holds the request (URL with any SAS token, headers), so it is never kept as `cause`.
 */
import type { TokenCredential } from '@azure/identity';
import {
  TableClient,
  odata,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import { RunStoreError } from '../ports/run-store.js';
import { asciiJson } from './table-rows.js';
import { ID_INDEX_PARTITION, QUEUE_ROWS, type DeploymentFilter, type ResumePoint } from './table-keys.js';

export type Row = TableEntityResult<Record<string, unknown>>;

const TABLE_SUFFIXES = {
  deployments: 'Deployments',
  events: 'DeploymentEvents',
  queue: 'Queue',
  releases: 'Releases',
  approvals: 'Approvals',
  deliveries: 'Deliveries',
  quarantine: 'Quarantine',
  holds: 'Holds',
} as const;

export type TableId = keyof typeof TABLE_SUFFIXES;
export const TABLE_IDS = Object.keys(TABLE_SUFFIXES) as TableId[];

/** Longest suffix (DeploymentEvents, 16) + prefix must stay within the 63-character table name limit. */
const PREFIX = /^[A-Za-z][A-Za-z0-9]{0,46}$/;

export function tableNames(prefix: unknown): Record<TableId, string> {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new RunStoreError(
      'invalid-configuration',
      'Invalid table prefix: use 1-47 letters and digits, starting with a letter.',
    );
  }
  const names = {} as Record<TableId, string>;
  for (const id of TABLE_IDS) names[id] = `${prefix}${TABLE_SUFFIXES[id]}`;
  return names;
}

export interface ClientSource {
  connectionString?: string;
  endpoint?: string;
  credential?: TokenCredential;
  clientOptions?: TableServiceClientOptions;
}

/** Validates the options once and returns a client maker; messages never echo them. */
export function clientFactory(options: ClientSource): (table: string) => TableClient {
  const { connectionString, endpoint, credential, clientOptions } = options;
  const viaString = connectionString !== undefined && endpoint === undefined && credential === undefined;
  const viaCredential = connectionString === undefined && endpoint !== undefined && credential !== undefined;
  if (!viaString && !viaCredential) {
    throw new RunStoreError(
      'invalid-configuration',
      'Give either a connection string, or an endpoint and a credential.',
    );
  }
  if (connectionString !== undefined) {
    // Plain http is only ever Azurite; with https the flag has no effect.
    const local = { ...clientOptions, allowInsecureConnection: true };
    try {
      TableClient.fromConnectionString(connectionString, 'probe', local);
    } catch {
      // The SDK's message may quote parts of the string; the account key must not reach a log.
      throw new RunStoreError('invalid-configuration', 'The table connection string is malformed.');
    }
    return (table) => TableClient.fromConnectionString(connectionString, table, local);
  }
  if (!URL.canParse(endpoint as string)) {
    throw new RunStoreError('invalid-configuration', 'The table endpoint is not a URL.');
  }
  return (table) => new TableClient(endpoint as string, table, credential as TokenCredential, clientOptions);
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The service's error code (`EntityAlreadyExists`) or the SDK's (`REQUEST_SEND_ERROR`); never free text. */
export function safeCode(err: unknown): string | undefined {
  const e = err as {
    code?: unknown;
    details?: { odataError?: { code?: unknown }; errorCode?: unknown };
  } | null;
  const code = e?.details?.odataError?.code ?? e?.details?.errorCode ?? e?.code;
  return typeof code === 'string' && /^[A-Za-z_]{1,64}$/.test(code) ? code : undefined;
}

/**
 * The SDK's token is base64 of JSON, decoded byte by byte into a string (`String.fromCharCode`), so
 * non-ASCII keys only survive when the JSON itself is ASCII: escape everything else as `\uXXXX`.
 */
function sdkToken(point: ResumePoint): string {
  const json = asciiJson({ nextPartitionKey: point.partition, nextRowKey: point.row });
  return Buffer.from(json, 'latin1').toString('base64');
}

function resumePointOf(token: string | undefined): ResumePoint | undefined {
  if (token === undefined) return undefined;
  const { nextPartitionKey, nextRowKey } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
    nextPartitionKey: string;
    nextRowKey?: string;
  };
  return nextRowKey === undefined
    ? { partition: nextPartitionKey }
    : { partition: nextPartitionKey, row: nextRowKey };
}

/** One service page of at most `top` rows (possibly fewer, even none, with a `next` point). */
export async function readPage(
  client: TableClient,
  filter: string,
  top: number,
  from: ResumePoint | undefined,
): Promise<{ rows: Row[]; next?: ResumePoint }> {
  const pages = client
    .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
    .byPage({ maxPageSize: top, ...(from === undefined ? {} : { continuationToken: sdkToken(from) }) });
  const page = (await pages.next()).value as (Row[] & { continuationToken?: string }) | undefined;
  const next = resumePointOf(page?.continuationToken);
  return next === undefined ? { rows: page ?? [] } : { rows: page ?? [], next };
}

/** Why a Table Storage call failed, with nothing that could hold a secret. */
export class TableStorageError extends RunStoreError {
  constructor(
    readonly operation: string,
    readonly table: string,
    readonly status: number | undefined,
    readonly serviceCode: string | undefined,
  ) {
    const detail = [status ?? 'no response', serviceCode].filter((part) => part !== undefined).join(' ');
    super('storage-error', `Table Storage ${operation} on table ${table} failed (${detail}).`);
    this.name = 'TableStorageError';
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number };

/** The five tables of one prefix, with every call's failure mapped to a safe, coded error. */
export class Tables {
  private readonly clients: Record<TableId, TableClient>;

  constructor(prefix: string, source: ClientSource) {
    const names = tableNames(prefix);
    const client = clientFactory(source);
    this.clients = {} as Record<TableId, TableClient>;
    for (const id of TABLE_IDS) this.clients[id] = client(names[id]);
  }

  async createAll(): Promise<void> {
    // The SDK already treats 409 TableAlreadyExists as success; accept it here too in case that changes.
    await Promise.all(TABLE_IDS.map((id) => this.attempt(id, 'create table', (c) => c.createTable(), 409)));
  }

  /** Runs `fn`; a failure with an `expected` status is returned, any other becomes a TableStorageError. */
  async attempt<T>(
    table: TableId,
    operation: string,
    fn: (client: TableClient) => Promise<T>,
    ...expected: number[]
  ): Promise<Outcome<T>> {
    const client = this.clients[table];
    try {
      return { ok: true, value: await fn(client) };
    } catch (err) {
      if (err instanceof RunStoreError) throw err;
      const status = statusOf(err);
      if (status !== undefined && expected.includes(status)) return { ok: false, status };
      throw new TableStorageError(operation, client.tableName, status, safeCode(err));
    }
  }

  async call<T>(table: TableId, operation: string, fn: (client: TableClient) => Promise<T>): Promise<T> {
    const outcome = await this.attempt(table, operation, fn);
    return (outcome as { ok: true; value: T }).value;
  }

  /** One entity, or undefined when it does not exist. */
  async read(table: TableId, operation: string, pk: string, rk: string): Promise<Row | undefined> {
    const got = await this.attempt(
      table,
      operation,
      (c) => c.getEntity<Record<string, unknown>>(pk, rk),
      404,
    );
    return got.ok ? got.value : undefined;
  }

  /**
   * Rows of one partition (of a row key range `from` <= RowKey < `below`) in key order, at most `max`.
   * `where` (an OData clause built with `odata`) narrows the rows further.
   */
  async listPartition(
    table: TableId,
    operation: string,
    pk: string,
    max = Infinity,
    rows?: { from: string; below: string },
    where?: string,
  ): Promise<Row[]> {
    const keys = rows
      ? odata`PartitionKey eq ${pk} and RowKey ge ${rows.from} and RowKey lt ${rows.below}`
      : odata`PartitionKey eq ${pk}`;
    const filter = where ? `${keys} and (${where})` : keys;
    return this.call(table, operation, async (c) => {
      const rows: Row[] = [];
      const pages = c.listEntities<Record<string, unknown>>({ queryOptions: { filter } });
      for await (const page of pages.byPage({ maxPageSize: Math.min(max, 1000) })) {
        rows.push(...page.slice(0, max - rows.length));
        if (rows.length >= max) break;
      }
      return rows;
    });
  }
}

/** Queue rows a lane still has to act on; done, superseded and removed rows pile up with history. */
export const PENDING_QUEUE_ROWS = odata`State eq ${'queued'} or State eq ${'running'}`;

/** Every value goes through `odata`, which quotes strings (doubling `'`) and types dates. */
export function deploymentODataFilter(
  filter: Pick<DeploymentFilter, 'service' | 'state' | 'sinceMs'>,
): string {
  const { service, state, sinceMs } = filter;
  // Without a service, every partition but the id index's.
  // Queue rows share the services' partitions; deployment ids never start with `~`.
  const clauses = [
    service === undefined ? odata`PartitionKey ne ${ID_INDEX_PARTITION}` : odata`PartitionKey eq ${service}`,
    odata`(RowKey lt ${QUEUE_ROWS.from} or RowKey ge ${QUEUE_ROWS.below})`,
  ];
  if (state !== undefined) clauses.push(odata`State eq ${state}`);
  if (sinceMs !== undefined) clauses.push(odata`CreatedTime ge ${new Date(sinceMs)}`);
  return clauses.join(' and ');
}
