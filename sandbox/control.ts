import {
  errorResponse,
  jsonResponse,
  type HostRequest,
  type HostResponse,
  type HostRoute,
} from '../devhost/http/types.js';
import { handleRegistryPush, type PushRouteOptions } from './registry-push.js';
import type { FaultProfile, SandboxWorld } from './world.js';

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

/**
 * The sandbox control API: inject faults per image (digest, tag or full reference) so a newcomer can
 * watch a rollback. `GET /sandbox/faults`, `PUT /sandbox/faults/{image}`, `DELETE /sandbox/faults/{image}`,
 * `GET /sandbox/workloads` (images and weights as the cluster sees them), and
 * `PUT /sandbox/registry/{repository}:{tag}` (push an image into the sandbox registry, see registry-push.ts).
 */
export function createControlRoutes(world: SandboxWorld, push?: PushRouteOptions): HostRoute {
  return (req: HostRequest): Promise<HostResponse | undefined> | HostResponse | undefined => {
    const path = req.url.pathname;
    if (push && path.startsWith('/sandbox/registry/')) return handleRegistryPush(world, push, req);
    if (path === '/sandbox/faults' && req.method === 'GET')
      return jsonResponse(200, Object.fromEntries(world.faults));
    if (path === '/sandbox/workloads' && req.method === 'GET') {
      const workloads = world.list('Deployment').map((d) => ({
        namespace: d.metadata.namespace,
        name: d.metadata.name,
        image: (d.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } }).template?.spec
          ?.containers?.[0]?.image,
        replicas: (d.spec as { replicas?: number }).replicas,
      }));
      const weights = world
        .list('Ingress')
        .filter((i) => i.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true')
        .map((i) => ({
          namespace: i.metadata.namespace,
          ingress: i.metadata.name,
          weight: Number(i.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'] ?? 0),
        }));
      return jsonResponse(200, { now: world.nowIso(), workloads, weights });
    }
    const match = /^\/sandbox\/faults\/(.+)$/.exec(path);
    if (!match) return undefined;
    let image: string;
    try {
      image = decodeURIComponent(match[1] as string);
    } catch {
      return errorResponse(400, 'invalid-image', 'The image in the path is not valid percent-encoding.');
    }
    if (image.length > 512 || [...image].some((c) => c.charCodeAt(0) <= 0x20))
      return errorResponse(400, 'invalid-image', 'Not an image reference, digest or tag.');
    if (req.method === 'DELETE')
      return world.faults.delete(image)
        ? (world.markDirty(), { status: 204 })
        : errorResponse(404, 'no-fault', `No fault set for ${image}.`);
    if (req.method !== 'PUT')
      return {
        ...errorResponse(405, 'method-not-allowed', 'Use GET, PUT or DELETE.'),
        headers: { allow: 'GET, PUT, DELETE' },
      };
    const profile = parseProfile(req.body);
    if (typeof profile === 'string') return errorResponse(400, 'invalid-fault', profile);
    world.faults.set(image, profile);
    world.markDirty();
    return jsonResponse(200, { image, fault: profile });
  };
}
