/**
 * A loopback stand-in of the Log Analytics query API (`POST /v1/workspaces/{id}/query` with
 * `{ query, timespan }`), answering as the service does: `{ tables: [{ name: 'PrimaryResult', columns,
 * rows }] }`, a 400 `BadArgumentError` with a `SyntaxError`/`SemanticError` inner error for a query it
 * cannot run, 401 without a bearer token, 404 for an unknown workspace, and (on request) a 200 with an
 * `error` beside the tables: a partial result. The KQL is evaluated (test/fakes/kql-eval.ts, kql-query.ts) over fixture
 * tables shaped as workspace-based Application Insights stores them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  evaluate,
  KqlServiceError,
  wire,
  type ColumnType,
  type Row,
  type Table,
  type Val,
} from './kql-query.js';

/** One request as the AppRequests table stores it (the columns the templates and tests touch). */
export interface RequestRow {
  time: string;
  roleName: string;
  roleInstance: string;
  version?: string;
  success: boolean;
  resultCode: string;
  durationMs: number;
  itemCount?: number;
  properties?: Record<string, string>;
  name?: string;
}

export interface DependencyRow extends RequestRow {
  target: string;
  type: string;
}

const COMMON: Array<[string, ColumnType]> = [
  ['TenantId', 'string'],
  ['TimeGenerated', 'datetime'],
  ['Id', 'string'],
  ['Name', 'string'],
  ['Success', 'bool'],
  ['ResultCode', 'string'],
  ['DurationMs', 'real'],
  ['PerformanceBucket', 'string'],
  ['Properties', 'dynamic'],
  ['OperationName', 'string'],
  ['OperationId', 'string'],
  ['AppVersion', 'string'],
  ['AppRoleName', 'string'],
  ['AppRoleInstance', 'string'],
  ['SDKVersion', 'string'],
  ['ItemCount', 'long'],
  ['Type', 'string'],
];

const str = (v: string): Val => ({ t: 'string', v });

function common(r: RequestRow, i: number, type: string): Row {
  const bucket = r.durationMs < 250 ? '<250ms' : r.durationMs < 500 ? '250ms-500ms' : '500ms-1sec';
  return {
    TenantId: str('00000000-0000-0000-0000-0000000000aa'),
    TimeGenerated: { t: 'datetime', v: Date.parse(r.time) },
    Id: str(i.toString(16).padStart(16, '0')),
    Name: str(r.name ?? 'GET /api/orders'),
    Success: { t: 'bool', v: r.success },
    ResultCode: str(r.resultCode),
    DurationMs: { t: 'real', v: r.durationMs },
    PerformanceBucket: str(bucket),
    Properties: { t: 'dynamic', v: r.properties ?? {} },
    OperationName: str(r.name ?? 'GET /api/orders'),
    OperationId: str(`op${i}`),
    AppVersion: str(r.version ?? ''),
    AppRoleName: str(r.roleName),
    AppRoleInstance: str(r.roleInstance),
    SDKVersion: str('otel1.25.0:dotnet'),
    ItemCount: { t: 'long', v: r.itemCount ?? 1 },
    Type: str(type),
  };
}

export function appRequests(rows: RequestRow[]): Table {
  return {
    columns: [...COMMON, ['Url', 'string']].map(([name, type]) => ({
      name: name as string,
      type: type as ColumnType,
    })),
    rows: rows.map((r, i) => ({ ...common(r, i, 'AppRequests'), Url: str(`https://shop/${r.name ?? ''}`) })),
  };
}

export function appDependencies(rows: DependencyRow[]): Table {
  const columns = [...COMMON, ['Target', 'string'], ['DependencyType', 'string'], ['Data', 'string']];
  return {
    columns: columns.map(([name, type]) => ({ name: name as string, type: type as ColumnType })),
    rows: rows.map((r, i) => ({
      ...common(r, i, 'AppDependencies'),
      Target: str(r.target),
      DependencyType: str(r.type),
      Data: str(''),
    })),
  };
}

export interface LogsServerOptions {
  workspaceId: string;
  token: string;
  tables: () => Record<string, Table>;
  /** The service's clock, for `ago()`. */
  now?: () => number;
}

export interface LogsServer {
  origin: string;
  /** Every request body received, in order. */
  received: Array<{ query: string; timespan?: string }>;
  /** The next responses, before evaluation: a status and body, or `partial` (a 200 with an error). */
  failNext: Array<{ status: number; body: unknown } | 'partial'>;
  close(): Promise<void>;
}

const correlationId = () => 'f2c4b9e0-0000-4000-8000-000000000001';

function badQuery(e: KqlServiceError) {
  const inner =
    e.kind === 'SyntaxError'
      ? { code: 'SyntaxError', message: 'A recognition error occurred in the query.' }
      : { code: 'SemanticError', message: 'A semantic error occurred.' };
  return {
    error: {
      message: 'The request had some invalid properties',
      code: 'BadArgumentError',
      correlationId: correlationId(),
      innererror: {
        ...inner,
        innererror: { code: e.kind === 'SyntaxError' ? 'SYN0002' : 'SEM0100', message: e.message },
      },
    },
  };
}

/** `start/end` as the SDK sends it: rows outside are invisible to the query, as on the service. */
function inTimespan(timespan: string | undefined, tables: Record<string, Table>): Record<string, Table> {
  if (!timespan) return tables;
  const [start, end] = timespan.split('/').map((s) => Date.parse(s));
  if (start === undefined || end === undefined || !Number.isFinite(start) || !Number.isFinite(end))
    throw new KqlServiceError('SyntaxError', `invalid timespan '${timespan}'`);
  return Object.fromEntries(
    Object.entries(tables).map(([name, t]) => [
      name,
      {
        ...t,
        rows: t.rows.filter((r) => {
          const v = r.TimeGenerated;
          return v?.t === 'datetime' && v.v >= start && v.v <= end;
        }),
      },
    ]),
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function handle(o: LogsServerOptions, server: LogsServer, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const path = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
  if (req.method !== 'POST' || !path)
    return send(res, 404, {
      error: { message: 'The requested path does not exist', code: 'PathNotFoundError' },
    });
  if (req.headers.authorization !== `Bearer ${o.token}`)
    return send(res, 401, {
      error: {
        message: 'Valid authentication was not provided',
        code: 'AuthorizationRequiredError',
        correlationId: correlationId(),
      },
    });
  if (path[1] !== o.workspaceId)
    return send(res, 404, {
      error: {
        message: `Workspace ${path[1]} not found`,
        code: 'WorkspaceNotFoundError',
        correlationId: correlationId(),
      },
    });
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; timespan?: string };
  server.received.push(body);
  const failure = server.failNext.shift();
  if (failure && failure !== 'partial') return send(res, failure.status, failure.body);
  try {
    const t = evaluate(body.query, inTimespan(body.timespan, o.tables()), o.now?.() ?? Date.now());
    const tables = [
      {
        name: 'PrimaryResult',
        columns: t.columns,
        rows: t.rows.map((r) => t.columns.map((c) => wire(r[c.name]))),
      },
    ];
    if (failure !== 'partial') return send(res, 200, { tables });
    return send(res, 200, {
      tables,
      error: {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [
          {
            code: 'EngineError',
            message: 'Something went wrong processing your query on the server.',
            innererror: {
              code: '-2133196797',
              message: 'Query result set has exceeded the internal data size limit',
            },
          },
        ],
      },
    });
  } catch (e) {
    if (e instanceof KqlServiceError) return send(res, 400, badQuery(e));
    throw e;
  }
}

export async function startLogsServer(o: LogsServerOptions): Promise<LogsServer> {
  const server: LogsServer = { origin: '', received: [], failNext: [], close: async () => {} };
  const http = createServer((req, res) => {
    handle(o, server, req, res).catch((err: unknown) =>
      send(res, 500, { error: { code: 'InternalError', message: String(err) } }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server.close = () => new Promise<void>((resolve) => http.close(() => resolve()));
  return server;
}
