import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

/**
 * Loads an onboarding kit into a cluster the way its docs say (kubectl apply --server-side -k, then
 * argocd app create -f), over HTTP against the sandbox's Kubernetes and Argo CD APIs. The Kustomize
 * build is the subset the kit uses (resources, components, namespace, labels, replicas); any other
 * field fails the build, so the kit cannot outgrow this without the test noticing.
 */

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
} & Record<string, unknown>;

const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'labels', 'replicas']);
const CLUSTER_SCOPED = new Set(['Namespace']);

function readDocs(path: string): Obj[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Obj);
}

export function kustomizeBuild(dir: string): Obj[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0)
    throw new Error(`${dir}: kustomization fields this build does not know: ${unknown.join(', ')}`);
  const load = (entry: string): Obj[] => {
    const path = join(dir, entry);
    if (!existsSync(path)) throw new Error(`${dir}: ${entry} does not exist`);
    return statSync(path).isDirectory() ? kustomizeBuild(path) : readDocs(path);
  };
  const objects = [
    ...((k.resources as string[] | undefined) ?? []).flatMap(load),
    ...((k.components as string[] | undefined) ?? []).flatMap(load),
  ];
  for (const { pairs } of (k.labels as Array<{ pairs: Record<string, string> }> | undefined) ?? [])
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...pairs };
  if (typeof k.namespace === 'string')
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  for (const { name, count } of (k.replicas as Array<{ name: string; count: number }> | undefined) ?? [])
    for (const o of objects)
      if (o.kind === 'Deployment' && o.metadata.name === name) o.spec = { ...o.spec, replicas: count };
  return objects;
}

/** Argo CD creates hooks itself during a sync; applying them would run the migration out of band. */
export const isHook = (o: Obj): boolean => o.metadata.annotations?.['argocd.argoproj.io/hook'] !== undefined;

function objectPath(o: Obj): string {
  const plural = `${o.kind.toLowerCase()}${o.kind.endsWith('s') ? 'es' : 's'}`;
  const prefix = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const scope = CLUSTER_SCOPED.has(o.kind)
    ? ''
    : `/namespaces/${encodeURIComponent(o.metadata.namespace ?? 'default')}`;
  return `${prefix}${scope}/${plural}/${encodeURIComponent(o.metadata.name)}`;
}

/** `kubectl apply --server-side`: one apply PATCH per object; the statuses, in order. */
export async function serverSideApply(server: string, token: string, objects: Obj[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const o of objects) {
    const res = await fetch(`${server}${objectPath(o)}?fieldManager=gantry-onboarding`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/apply-patch+yaml' },
      body: stringify(o),
    });
    if (res.status >= 300)
      throw new Error(`apply ${o.kind} ${o.metadata.name}: HTTP ${res.status} ${await res.text()}`);
    await res.body?.cancel();
    statuses.push(res.status);
  }
  return statuses;
}

/** `argocd app create -f <file>`: `POST /api/v1/applications` with the Application. */
export async function createApplications(server: string, token: string, files: string[]): Promise<void> {
  for (const file of files)
    for (const app of readDocs(file)) {
      const res = await fetch(`${server}/api/v1/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(app),
      });
      if (res.status !== 200)
        throw new Error(`create ${app.metadata.name}: HTTP ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    }
}
