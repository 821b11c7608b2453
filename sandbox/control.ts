import {
  errorResponse,
  jsonResponse,
  type HostRequest,
  type HostResponse,
  type HostRoute,
} from '../devhost/http/types.js';
import { handleRegistryPush, type PushRouteOptions } from './registry-push.js';
import type { FaultProfile, KubeObject, SandboxWorld } from './world.js';

const FIELDS: Record<keyof FaultProfile, 'number' | 'boolean' | 'string'> = {
  errorRate: 'number',
  alert: 'string',
  latencyMs: 'number',
  crashLoop: 'boolean',
  syncFailure: 'boolean',
  vulnerable: 'boolean',
  testFailure: 'boolean',
  smokeFailure: 'boolean',
  ciFailure: 'boolean',
  noRevision: 'boolean',
};

function parseProfile(body: Buffer): FaultProfile | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'body must be a JSON object';
  for (const [key, v] of Object.entries(value)) {
    const type = FIELDS[key as keyof FaultProfile];
    if (!type) return `unknown field '${key}' (known: ${Object.keys(FIELDS).join(', ')})`;
    if (typeof v !== type) return `'${key}' must be a ${type}`;
  }
  const p = value as FaultProfile;
  if (p.errorRate !== undefined && !(p.errorRate >= 0 && p.errorRate <= 1))
    return 'errorRate must be between 0 and 1';
  if (p.latencyMs !== undefined && !(p.latencyMs > 0 && p.latencyMs <= 600_000))
    return 'latencyMs must be between 0 and 600000';
  if (p.alert !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/.test(p.alert))
    return 'alert must be an alert name (letters, digits, underscores)';
  return p;
}

/** The cluster a request names (`?cluster=`), its faults map, or an error response. */
function scope(
  world: SandboxWorld,
  req: HostRequest,
): { world?: SandboxWorld; faults: Map<string, FaultProfile> } | HostResponse {
  const name = req.url.searchParams.get('cluster');
  if (name === null) return { faults: world.faults };
  const cluster = world.root.clusters.get(name);
  if (!cluster)
    return errorResponse(
      404,
      'unknown-cluster',
      `No cluster ${JSON.stringify(name.slice(0, 100))} in the sandbox (known: ${[...world.root.clusters.keys()].join(', ')}).`,
    );
  return { world: cluster, faults: cluster.clusterFaults };
}

const imageOf = (d: KubeObject) =>
  (d.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } }).template?.spec
    ?.containers?.[0]?.image;

/** Images and canary weights as each cluster sees them (one cluster when `only` is given). */
function workloads(world: SandboxWorld, only?: SandboxWorld): HostResponse {
  const clusters = only ? [only] : [...world.root.clusters.values()];
  const workloads = clusters.flatMap((c) =>
    c.list('Deployment').map((d) => ({
      cluster: c.cluster,
      namespace: d.metadata.namespace,
      name: d.metadata.name,
      image: imageOf(d),
      replicas: (d.spec as { replicas?: number }).replicas,
    })),
  );
  const weights = clusters.flatMap((c) =>
    c
      .list('Ingress')
      .filter((i) => i.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true')
      .map((i) => ({
        cluster: c.cluster,
        namespace: i.metadata.namespace,
        ingress: i.metadata.name,
        weight: Number(i.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'] ?? 0),
      })),
  );
  return jsonResponse(200, { now: world.nowIso(), workloads, weights });
}

/**
 * The sandbox control API: inject faults per image (digest, tag or full reference) so a newcomer can
 * watch a rollback. `GET /sandbox/faults`, `PUT /sandbox/faults/{image}`, `DELETE /sandbox/faults/{image}`,
 * `GET /sandbox/workloads` (images and weights as the clusters see them), and
 * `PUT /sandbox/registry/{repository}:{tag}` (push an image into the sandbox registry, see registry-push.ts).
 * `?cluster=<AKS cluster name>` scopes the fault routes and the workloads to one cluster: a scoped fault
 * applies in that cluster only, over any fault set without it (which applies in every cluster).
 */
export function createControlRoutes(world: SandboxWorld, push?: PushRouteOptions): HostRoute {
  return (req: HostRequest): Promise<HostResponse | undefined> | HostResponse | undefined => {
    const path = req.url.pathname;
    if (push && path.startsWith('/sandbox/registry/')) return handleRegistryPush(world, push, req);
    const match = /^\/sandbox\/faults(?:\/(.+))?$/.exec(path);
    if (!match && path !== '/sandbox/workloads') return undefined;
    const scoped = scope(world, req);
    if ('status' in scoped) return scoped;
    if (path === '/sandbox/workloads')
      return req.method === 'GET' ? workloads(world, scoped.world) : notAllowed('GET');
    if (match?.[1] === undefined)
      return req.method === 'GET' ? jsonResponse(200, Object.fromEntries(scoped.faults)) : notAllowed('GET');
    return faultRoute(world, scoped.faults, match[1], req);
  };
}

const notAllowed = (allow: string): HostResponse => ({
  ...errorResponse(405, 'method-not-allowed', `Use ${allow.replace(/, ([A-Z]+)$/, ' or $1')}.`),
  headers: { allow },
});

function faultRoute(
  world: SandboxWorld,
  faults: Map<string, FaultProfile>,
  encoded: string,
  req: HostRequest,
): HostResponse {
  let image: string;
  try {
    image = decodeURIComponent(encoded);
  } catch {
    return errorResponse(400, 'invalid-image', 'The image in the path is not valid percent-encoding.');
  }
  if (image.length > 512 || [...image].some((c) => c.charCodeAt(0) <= 0x20))
    return errorResponse(400, 'invalid-image', 'Not an image reference, digest or tag.');
  if (req.method === 'DELETE')
    return faults.delete(image)
      ? (world.markDirty(), { status: 204 })
      : errorResponse(404, 'no-fault', `No fault set for ${image}.`);
  if (req.method !== 'PUT') return notAllowed('GET, PUT, DELETE');
  const profile = parseProfile(req.body);
  if (typeof profile === 'string') return errorResponse(400, 'invalid-fault', profile);
  faults.set(image, profile);
  world.markDirty();
  const cluster = req.url.searchParams.get('cluster');
  return jsonResponse(200, { image, ...(cluster !== null && { cluster }), fault: profile });
}
