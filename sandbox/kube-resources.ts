import {
  ApiError,
  asArray,
  asRecord,
  badRequest,
  conflict,
  invalid,
  matches,
  notFound,
  parseSelector,
  qualified,
  type StatusCause,
} from './kube-api.js';
import { jobLog } from './kube-jobs.js';
import { allPods, RESOURCES } from './kube-kinds.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './kube-patch.js';
import { servicePodLog } from './kube-workloads.js';
import type { KubeObject, SandboxWorld } from './world.js';

/** The generic get/list/create/update/patch/apply over the world, for the resources kube-kinds.ts lists. */

export { RESOURCES };

export type Verb = 'get' | 'list' | 'create' | 'update' | 'patch';

export interface Resource {
  plural: string;
  group: string;
  version: string;
  kind: string;
  verbs: Verb[];
  /** Custom resources take JSON Patch and merge patch only (strategic merge → 415). */
  custom?: boolean;
  /** Served at `/api/v1/<plural>[/name]`, stored without a namespace (Namespaces). */
  clusterScoped?: boolean;
  /** Derived objects (not stored): what the controllers would have created. */
  derive?: (world: SandboxWorld, namespace: string) => KubeObject[];
  /** The stored object as served now; undefined when it is gone (a Job past its TTL). */
  view?: (world: SandboxWorld, obj: KubeObject) => KubeObject | undefined;
  validate?: (next: KubeObject, previous?: KubeObject) => StatusCause[];
  beforeWrite?: (world: SandboxWorld, next: KubeObject, previous?: KubeObject) => void;
  beforeCreate?: (obj: KubeObject) => void;
}

export interface ApiRequest {
  verb: Verb;
  namespace: string;
  name?: string;
  query: URLSearchParams;
  contentType: string;
  body: unknown;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

/** The object as served now; a stored object past its lifetime is deleted here. */
export function current(
  world: SandboxWorld,
  r: Resource,
  namespace: string,
  name: string,
): KubeObject | undefined {
  if (r.derive) return r.derive(world, namespace).find((o) => o.metadata.name === name);
  const stored = world.get(r.kind, namespace, name);
  if (!stored || !r.view) return stored;
  const view = r.view(world, stored);
  if (!view) world.delete(r.kind, namespace, name);
  return view;
}

function list(world: SandboxWorld, r: Resource, req: ApiRequest): ApiResult {
  const selector = parseSelector(req.query.get('labelSelector'));
  const all = r.derive
    ? r.derive(world, req.namespace)
    : world
        .list(r.kind, r.clusterScoped ? undefined : req.namespace)
        .flatMap((o) => current(world, r, req.namespace, o.metadata.name) ?? []);
  // Typed lists carry kind/apiVersion on the list only; custom resources keep them on each item.
  const items = all
    .filter((o) => matches(o.metadata.labels, selector))
    .map((o) => (r.custom ? o : { ...o, kind: undefined, apiVersion: undefined }));
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  return {
    status: 200,
    body: { kind: `${r.kind}List`, apiVersion, metadata: { resourceVersion: '1' }, items },
  };
}

function applyPatch(r: Resource, base: KubeObject, req: ApiRequest): unknown {
  const type = req.contentType.split(';')[0]?.trim();
  if (type === 'application/json-patch+json') return jsonPatch(base, req.body);
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
    throw badRequest('the patch must be a JSON object');
  if (type === 'application/merge-patch+json') return mergePatch(base, req.body);
  if (type === 'application/strategic-merge-patch+json' && !r.custom)
    return strategicMergePatch(base, req.body);
  const accepted = r.custom
    ? 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'
    : 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json';
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
  );
}

/** Go's JSON decoder refuses a non-string label or annotation before anything else runs. */
function checkMetadata(obj: KubeObject): void {
  for (const field of ['labels', 'annotations'] as const) {
    for (const value of Object.values(asRecord(obj.metadata?.[field]))) {
      if (typeof value !== 'string')
        throw badRequest(
          `json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go struct field ObjectMeta.metadata.${field} of type string`,
        );
    }
  }
}

function commit(
  world: SandboxWorld,
  r: Resource,
  req: ApiRequest,
  next: KubeObject,
  previous?: KubeObject,
): KubeObject {
  const name = req.name ?? next.metadata?.name;
  if (!next.metadata || typeof next.metadata !== 'object') throw badRequest('metadata is required');
  checkMetadata(next);
  if (req.name !== undefined && next.metadata.name !== req.name)
    throw badRequest(
      `the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${req.name})`,
    );
  if (!r.clusterScoped && next.metadata.namespace !== undefined && next.metadata.namespace !== req.namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (
    previous &&
    next.metadata.resourceVersion &&
    next.metadata.resourceVersion !== previous.metadata.resourceVersion
  )
    throw conflict(r.plural, r.group, String(name));
  const causes = r.validate?.(next, previous) ?? [];
  if (causes.length > 0) throw invalid(r.kind, r.group, String(name), causes);
  // `status` is a subresource: writes to the main resource never change it.
  const stored: KubeObject = { ...next, apiVersion: previous?.apiVersion ?? next.apiVersion, kind: r.kind };
  stored.metadata = { ...next.metadata, namespace: req.namespace };
  if (r.clusterScoped) delete stored.metadata.namespace;
  if (previous?.status) stored.status = previous.status;
  else delete stored.status;
  r.beforeWrite?.(world, stored, previous);
  if (req.query.get('dryRun') === 'All') return r.view?.(world, stored) ?? stored;
  const saved = world.put(stored);
  return current(world, r, req.namespace, saved.metadata.name) ?? saved;
}

function create(world: SandboxWorld, r: Resource, req: ApiRequest): ApiResult {
  const obj = asRecord(req.body) as unknown as KubeObject;
  const name = asRecord(obj.metadata).name;
  if (typeof name !== 'string' || name === '')
    throw invalid(r.kind, r.group, '', [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ]);
  if (world.get(r.kind, req.namespace, name))
    throw new ApiError(409, 'AlreadyExists', `${qualified(r.plural, r.group)} "${name}" already exists`, {
      name,
      group: r.group,
      kind: r.plural,
    });
  const next = structuredClone(obj);
  if (!r.clusterScoped) next.metadata.namespace ??= req.namespace;
  r.beforeCreate?.(next);
  return { status: 201, body: commit(world, r, { ...req, name }, next) };
}

export const APPLY_PATCH = 'application/apply-patch+yaml';
export const isApply = (contentType: string): boolean => contentType.split(';')[0]?.trim() === APPLY_PATCH;

/**
 * Server-side apply (`kubectl apply --server-side`) as far as the sandbox models it: the object is
 * created when absent, else the applied fields are merged over it (no managedFields, so no conflicts
 * between managers). The applied object must name the resource's apiVersion, kind and the URL's name.
 */
function apply(world: SandboxWorld, r: Resource, req: ApiRequest): ApiResult {
  if (!req.query.get('fieldManager')) throw badRequest('fieldManager is required for apply requests');
  const obj = asRecord(req.body);
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  if (obj.apiVersion !== apiVersion || obj.kind !== r.kind)
    throw badRequest(`apply of ${qualified(r.plural, r.group)}: the object must be ${apiVersion} ${r.kind}`);
  const name = req.name as string;
  if (asRecord(obj.metadata).name !== name)
    throw badRequest(`the name of the object does not match the name on the URL (${name})`);
  const found = current(world, r, req.namespace, name);
  if (!found) return create(world, r, { ...req, verb: 'create' });
  const previous = world.get(r.kind, r.clusterScoped ? undefined : req.namespace, name) as KubeObject;
  return { status: 200, body: commit(world, r, req, mergePatch(found, obj) as KubeObject, previous) };
}

/** get, list, create, update (PUT), patch and apply of one resource. */
export function serve(world: SandboxWorld, r: Resource, req: ApiRequest): ApiResult {
  if (req.verb === 'list') return list(world, r, req);
  if (req.verb === 'create') return create(world, r, req);
  if (req.verb === 'patch' && isApply(req.contentType)) return apply(world, r, req);
  const name = req.name as string;
  const found = current(world, r, req.namespace, name);
  if (!found) throw notFound(r.plural, r.group, name);
  if (req.verb === 'get') return { status: 200, body: found };
  const previous = world.get(r.kind, req.namespace, name) as KubeObject;
  const next = req.verb === 'patch' ? applyPatch(r, found, req) : req.body;
  if (typeof next !== 'object' || next === null || Array.isArray(next))
    throw badRequest('the object must be a JSON object');
  return { status: 200, body: commit(world, r, req, next as KubeObject, previous) };
}

/** `GET .../pods/{name}/log`: plain text, `container` checked, `limitBytes` honoured. */
export function podLog(world: SandboxWorld, namespace: string, name: string, query: URLSearchParams): string {
  const pod = allPods(world, namespace).find((p) => p.metadata.name === name);
  if (!pod) throw notFound('pods', '', name);
  const containers = asArray(asRecord(pod.spec).containers).map((c) => String(asRecord(c).name));
  const container = query.get('container');
  if (container !== null && !containers.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (container === null && containers.length > 1)
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
    );
  const owner = pod.metadata.ownerReferences?.[0];
  const job = owner?.kind === 'Job' ? world.get('Job', namespace, owner.name) : undefined;
  const text = job ? jobLog(world, job) : servicePodLog(world, pod);
  const limit = Number(query.get('limitBytes') ?? Number.NaN);
  return Number.isInteger(limit) && limit > 0 ? Buffer.from(text).subarray(0, limit).toString('utf8') : text;
}
