import { checkDestination } from './clusters.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonResponse, type HostRequest, type HostResponse, type HostRoute } from '../devhost/http/types.js';
import {
  advance,
  ArgoApiError,
  GrpcCode,
  startRollback,
  startSync,
  terminateOperation,
} from './argocd-ops.js';
import { jsonPatch, mergePatch, PatchError } from './argocd-patch.js';
import {
  argoState,
  ARGOCD_NAMESPACE,
  touch,
  type AppSpec,
  type Json,
  type SandboxApp,
} from './argocd-state.js';
import { createApp } from './argocd-create.js';
import { applicationJson, resourceTreeJson } from './argocd-view.js';
import type { SandboxWorld } from './world.js';

export { addApplication, type AddApplicationOptions } from './argocd-state.js';
export { settleArgoCd } from './argocd-ops.js';

/**
 * Loopback stand-in for the Argo CD API server (`/api/v1/applications...`, grpc-gateway JSON), close
 * enough that the production adapter cannot tell it from Argo CD v2.9-v3.5: bearer-token auth, the
 * `{"error","code","message"}` error body with grpc codes mapped to HTTP statuses, the anti-enumeration
 * 403 for missing apps unless `project` is given, double-encoded PATCH bodies and operations that
 * progress on the world's virtual clock (see argocd-ops.ts).
 */

export interface ArgoCdSandboxOptions {
  /** The one bearer token accepted (header `Authorization: Bearer …` or cookie `argocd.token`). */
  token: string;
  /** Recorded as `initiatedBy.username` of operations. */
  username?: string;
}

const HTTP_STATUS: Record<number, number> = { 2: 500, 3: 400, 5: 404, 7: 403, 9: 400, 12: 501, 16: 401 };

function grpcError(code: number, message: string): HostResponse {
  return jsonResponse(HTTP_STATUS[code] ?? 500, { error: message, code, message });
}

function authenticated(request: HostRequest, token: string): HostResponse | undefined {
  const header = request.headers.authorization ?? '';
  const cookie = /(?:^|;\s*)argocd\.token=([^;]*)/.exec(request.headers.cookie ?? '')?.[1];
  const given = header.startsWith('Bearer ') ? header.slice(7).trim() : cookie;
  if (given === undefined || given === '')
    return grpcError(GrpcCode.Unauthenticated, 'no session information');
  if (given !== token)
    return grpcError(GrpcCode.Unauthenticated, 'invalid session: token signature is invalid');
  return undefined;
}

function parseBody(request: HostRequest): Json {
  const text = request.body.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArgoApiError(GrpcCode.InvalidArgument, `invalid request body: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ArgoApiError(GrpcCode.InvalidArgument, 'request body must be a JSON object');
  return value as Json;
}

/** Argo CD's RBAC-aware lookup: 403 for a missing app unless `project` was given (then 404). */
function findApp(
  world: SandboxWorld,
  name: string,
  project: string | undefined,
  appNamespace: string | null,
): SandboxApp {
  const app = argoState(world).apps.get(name);
  const inNamespace = !appNamespace || appNamespace === ARGOCD_NAMESPACE;
  if (!app || !inNamespace || (project && app.spec.project !== project)) {
    if (!project) throw new ArgoApiError(GrpcCode.PermissionDenied, 'permission denied');
    throw new ArgoApiError(GrpcCode.NotFound, `applications.argoproj.io "${name}" not found`);
  }
  advance(world, app);
  return app;
}

function validateSpec(name: string, spec: unknown): asserts spec is AppSpec {
  const s = spec as Partial<AppSpec> | undefined;
  const problem =
    !s || typeof s !== 'object'
      ? 'spec is required'
      : typeof s.source?.repoURL !== 'string'
        ? 'spec.source.repoURL is required'
        : typeof s.destination?.namespace !== 'string'
          ? 'spec.destination.namespace is required'
          : (s.source.helm?.parameters ?? []).some(
                (p) => typeof p?.name !== 'string' || typeof p.value !== 'string',
              )
            ? 'helm parameters need a string name and value'
            : (s.source.kustomize?.images ?? []).some((i) => typeof i !== 'string')
              ? 'kustomize images must be strings'
              : undefined;
  if (problem)
    throw new ArgoApiError(
      GrpcCode.InvalidArgument,
      `application spec for ${name} is invalid: InvalidSpecError: ${problem}`,
    );
}

function patchApp(world: SandboxWorld, app: SandboxApp, body: Json, initiatedBy: Json): void {
  const type = typeof body.patchType === 'string' ? body.patchType : '';
  if (type !== '' && type !== 'json' && type !== 'merge')
    throw new ArgoApiError(GrpcCode.InvalidArgument, `Patch type '${type}' is not supported`);
  if (typeof body.patch !== 'string')
    throw new ArgoApiError(
      GrpcCode.InvalidArgument,
      'patch must be a string containing JSON (double-encoded)',
    );
  let patch: unknown;
  try {
    patch = JSON.parse(body.patch);
  } catch (error) {
    throw new ArgoApiError(GrpcCode.InvalidArgument, `error unmarshaling patch: ${(error as Error).message}`);
  }
  const current = { metadata: app.metadata, spec: app.spec };
  let patched: { metadata?: Json; spec?: unknown };
  try {
    patched = (type === 'merge' ? mergePatch(current, patch) : jsonPatch(current, patch)) as typeof patched;
  } catch (error) {
    if (error instanceof PatchError) throw new ArgoApiError(GrpcCode.InvalidArgument, error.message);
    throw error;
  }
  validateSpec(app.metadata.name, patched.spec);
  checkDestination(world, app.metadata.name, patched.spec);
  app.spec = structuredClone(patched.spec);
  for (const key of ['labels', 'annotations'] as const) {
    const value = patched.metadata?.[key];
    if (value && typeof value === 'object') app.metadata[key] = structuredClone(value);
    else delete app.metadata[key];
  }
  touch(world, app);
  const view = applicationJson(world, app);
  const outOfSync = (view.status as { sync: { status: string } }).sync.status === 'OutOfSync';
  // Auto-sync reacts to the changed spec by itself, like the application controller would.
  if (app.spec.syncPolicy?.automated && outOfSync && !app.operation)
    startSync(world, app, {}, { ...initiatedBy, automated: true });
}

function listApps(world: SandboxWorld, query: URLSearchParams): Json {
  const projects = [...query.getAll('projects'), ...query.getAll('project')];
  const selector = (query.get('selector') ?? '').split(',').filter(Boolean);
  const items = [...argoState(world).apps.values()]
    .filter((app) => projects.length === 0 || projects.includes(app.spec.project))
    .filter((app) =>
      selector.every((term) => {
        const [key = '', value] = term.split('=');
        const labels = (app.metadata.labels ?? {}) as Record<string, string>;
        return value === undefined ? key in labels : labels[key] === value;
      }),
    )
    .map((app) => {
      advance(world, app);
      return applicationJson(world, app);
    });
  return { metadata: { resourceVersion: String(argoState(world).resourceVersion) }, items };
}

type Handler = (app: SandboxApp, body: Json) => Json;

function appHandlers(world: SandboxWorld, initiatedBy: Json): Record<string, Handler> {
  const view = (app: SandboxApp) => applicationJson(world, app);
  return {
    'GET ': (app) => view(app),
    'PATCH ': (app, body) => (patchApp(world, app, body, initiatedBy), view(app)),
    'POST sync': (app, body) => (startSync(world, app, body, initiatedBy), view(app)),
    'POST rollback': (app, body) => (startRollback(world, app, body, initiatedBy), view(app)),
    'DELETE operation': (app) => (terminateOperation(world, app), {}),
    'GET resource-tree': (app) => resourceTreeJson(world, app),
  };
}

function route(world: SandboxWorld, request: HostRequest, initiatedBy: Json): HostResponse {
  const path = request.url.pathname.replace(/\/+$/, '');
  if (path === '/api/v1/applications') {
    if (request.method === 'POST') {
      const upsert = request.url.searchParams.get('upsert') === 'true';
      return jsonResponse(
        200,
        applicationJson(world, createApp(world, parseBody(request), upsert, validateSpec)),
      );
    }
    if (request.method !== 'GET') return grpcError(GrpcCode.Unimplemented, 'Method Not Allowed');
    return jsonResponse(200, listApps(world, request.url.searchParams));
  }
  const match = /^\/api\/v1\/applications\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const handler = match && appHandlers(world, initiatedBy)[`${request.method} ${match[2] ?? ''}`];
  if (!match) return grpcError(GrpcCode.NotFound, 'Not Found');
  if (!handler) return grpcError(GrpcCode.Unimplemented, 'Method Not Allowed');
  const body = request.method === 'GET' || request.method === 'DELETE' ? {} : parseBody(request);
  const query = request.url.searchParams;
  const project = query.get('project') || (typeof body.project === 'string' && body.project) || undefined;
  const app = findApp(world, decodeURIComponent(match[1] ?? ''), project, query.get('appNamespace'));
  return jsonResponse(200, handler(app, body));
}

/** The Argo CD API as a dev-host route (answers every request it is given). */
export function createArgoCdRoutes(world: SandboxWorld, options: ArgoCdSandboxOptions): HostRoute {
  const initiatedBy = { username: options.username ?? 'admin' };
  return (request) => {
    const denied = authenticated(request, options.token);
    if (denied) return denied;
    try {
      return route(world, request, initiatedBy);
    } catch (error) {
      if (error instanceof ArgoApiError) return grpcError(error.grpcCode, error.message);
      if (error instanceof URIError) return grpcError(GrpcCode.InvalidArgument, 'malformed path');
      throw error;
    }
  };
}

async function toHostRequest(req: IncomingMessage, origin: string): Promise<HostRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', origin),
    origin,
    headers,
    body: Buffer.concat(chunks),
  };
}

export interface ArgoCdSandbox {
  /** `http://127.0.0.1:<port>`: the `GANTRY_ARGOCD_URL` for the sandbox. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves {@link createArgoCdRoutes} on loopback (port 0 = any free port). */
export async function startArgoCdSandbox(
  world: SandboxWorld,
  options: ArgoCdSandboxOptions & { port?: number; host?: string },
): Promise<ArgoCdSandbox> {
  const routes = createArgoCdRoutes(world, options);
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const response =
      (await routes(await toHostRequest(req, origin))) ?? grpcError(GrpcCode.NotFound, 'Not Found');
    res.writeHead(response.status, response.headers);
    res.end(response.body);
  };
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      const { status, headers, body } = grpcError(GrpcCode.Unknown, (error as Error).message);
      if (!res.headersSent) res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
