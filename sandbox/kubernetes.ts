import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { settleArgoCd } from './argocd-ops.js';
import { ApiError, badRequest } from './kube-api.js';
import { parse as parseYaml } from 'yaml';
import {
  isApply,
  podLog,
  RESOURCES,
  serve,
  type ApiRequest,
  type Resource,
  type Verb,
} from './kube-resources.js';
import type { SandboxWorld } from './world.js';

export { addWorkload, type WorkloadSeed } from './kube-seed.js';

/**
 * A loopback Kubernetes API server over the sandbox world, close enough to the real one that
 * `@kubernetes/client-node` cannot tell: the same paths, verbs, content types, `Status` error bodies,
 * bearer-token authentication and RBAC-style 403s. It serves Deployments, their ReplicaSets and pods,
 * Services, Ingresses, Gateway API HTTPRoutes, Jobs and pod logs, in any namespace.
 */

export interface KubernetesSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The bearer token clients must send. */
  token: string;
  /** Denied `"<verb> <plural>"` pairs, e.g. `"list replicasets"`, answered with 403 like RBAC. */
  forbid?: Iterable<string>;
}

export interface KubernetesSandbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Live set of denied `"<verb> <plural>"` pairs; tests may change it. */
  forbidden: Set<string>;
  /** The last {@link REQUEST_LOG} requests (method, path and query, Content-Type), oldest first. */
  requests: Array<{ method: string; path: string; contentType?: string }>;
  close(): Promise<void>;
}

const MAX_BODY = 3 * 1024 * 1024;
export const REQUEST_LOG = 200;
const PATH =
  /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;

const notServed = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
const methodNotAllowed = () =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

interface Route {
  resource: Resource;
  namespace: string;
  name?: string;
  subresource?: string;
}

/** Cluster-scoped resources: `/api/v1/namespaces[/name]`. */
const CLUSTER_PATH = /^\/api\/v1\/(namespaces)(?:\/([^/]+))?$/;

function route(pathname: string): Route {
  const cluster = CLUSTER_PATH.exec(pathname);
  if (cluster) {
    const resource = RESOURCES.find((r) => r.clusterScoped && r.plural === cluster[1]) as Resource;
    return {
      resource,
      namespace: '',
      ...(cluster[2] !== undefined && { name: decodeURIComponent(cluster[2]) }),
    };
  }
  const m = PATH.exec(pathname);
  if (!m) throw notServed();
  const [, core, group = '', groupVersion, namespace, plural, name, subresource] = m;
  const version = core ?? groupVersion;
  const resource = RESOURCES.find(
    (r) => !r.clusterScoped && r.plural === plural && r.group === group && r.version === version,
  );
  if (!resource || !namespace) throw notServed();
  return {
    resource,
    namespace: decodeURIComponent(namespace),
    ...(name !== undefined && { name: decodeURIComponent(name) }),
    ...(subresource !== undefined && { subresource }),
  };
}

function verbOf(method: string, r: Route): Verb {
  if (method === 'GET') return r.name === undefined ? 'list' : 'get';
  if (method === 'POST' && r.name === undefined) return 'create';
  if (method === 'PUT' && r.name !== undefined) return 'update';
  if (method === 'PATCH' && r.name !== undefined) return 'patch';
  throw methodNotAllowed();
}

async function readBody(req: IncomingMessage, apply: boolean): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request entity is too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    // An apply body is YAML (JSON is YAML too); everything else is JSON.
    const text = Buffer.concat(chunks).toString('utf8');
    return apply ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message}`);
  }
}

function forbidden(r: Route, verb: Verb): ApiError {
  const { plural, group } = r.resource;
  const resource = group ? `${plural}.${group}` : plural;
  const subject = r.name === undefined ? resource : `${resource} "${r.name}"`;
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "gantry" cannot ${verb} resource "${plural}" in API group "${group}" in the namespace "${r.namespace}"`,
    { ...(r.name !== undefined && { name: r.name }), group, kind: plural },
  );
}

async function respond(world: SandboxWorld, sandbox: KubernetesSandbox, token: string, req: IncomingMessage) {
  const contentType = req.headers['content-type'];
  sandbox.requests.push({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    ...(contentType && { contentType }),
  });
  if (sandbox.requests.length > REQUEST_LOG) sandbox.requests.shift();
  if (req.headers.authorization !== `Bearer ${token}`)
    throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  // Argo CD operations progress lazily: apply any sync that has finished by now before reading objects.
  settleArgoCd(world);
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const r = route(url.pathname);
  const verb = verbOf(req.method ?? 'GET', r);
  if (!r.resource.verbs.includes(verb)) throw methodNotAllowed();
  if (sandbox.forbidden.has(`${verb} ${r.resource.plural}`)) throw forbidden(r, verb);
  if (r.subresource !== undefined) {
    if (r.subresource !== 'log' || r.resource.plural !== 'pods' || verb !== 'get') throw notServed();
    return { status: 200, body: podLog(world, r.namespace, r.name as string, url.searchParams) };
  }
  const request: ApiRequest = {
    verb,
    namespace: r.namespace,
    ...(r.name !== undefined && { name: r.name }),
    query: url.searchParams,
    contentType: contentType ?? '',
    body: await readBody(req, isApply(contentType ?? '')),
  };
  return serve(world, r.resource, request);
}

/** Pod logs are plain text; everything else is JSON. */
function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string';
  res
    .writeHead(status, { 'content-type': text ? 'text/plain' : 'application/json' })
    .end(text ? body : JSON.stringify(body));
}

export async function startKubernetesSandbox(
  world: SandboxWorld,
  options: KubernetesSandboxOptions,
): Promise<KubernetesSandbox> {
  const sandbox: KubernetesSandbox = {
    url: '',
    forbidden: new Set(options.forbid ?? []),
    requests: [],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // clients keep connections alive; close() alone would wait for them
      }),
  };
  const server = createServer((req, res) => {
    respond(world, sandbox, options.token, req).then(
      (result) => send(res, result.status, result.body),
      (error: unknown) => {
        const failure =
          error instanceof ApiError
            ? error
            : new ApiError(500, 'InternalError', `Internal error: ${String(error)}`);
        send(res, failure.code, failure.body());
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  sandbox.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sandbox;
}
