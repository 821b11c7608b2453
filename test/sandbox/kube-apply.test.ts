import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { startArgoCdSandbox, type ArgoCdSandbox } from '../../sandbox/argocd.js';
import { startKubernetesSandbox, type KubernetesSandbox } from '../../sandbox/kubernetes.js';
import { SandboxWorld } from '../../sandbox/world.js';

/** Server-side apply, the stored kinds and Argo CD application create: what loading a kit needs. */

const TOKEN = 't0ken';
const APPLY = { 'content-type': 'application/apply-patch+yaml' };
let world: SandboxWorld;
let kube: KubernetesSandbox;
let argo: ArgoCdSandbox;

beforeEach(async () => {
  world = new SandboxWorld(new VirtualClock(Date.UTC(2026, 5, 1)));
  kube = await startKubernetesSandbox(world, { token: TOKEN });
  argo = await startArgoCdSandbox(world, { token: TOKEN });
});
afterEach(async () => {
  await kube.close();
  await argo.close();
});

async function call(base: string, method: string, path: string, body?: string, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ROLE = '/apis/rbac.authorization.k8s.io/v1/namespaces/prod/roles/gantry';
const roleYaml = (verbs: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: gantry\nrules:\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [${verbs}]\n`;

describe('server-side apply', () => {
  it('creates (201) then merges the applied fields (200), from a YAML body', async () => {
    const created = await call(kube.url, 'PATCH', `${ROLE}?fieldManager=kit`, roleYaml('get'), APPLY);
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'gantry', namespace: 'prod' });
    const updated = await call(kube.url, 'PATCH', `${ROLE}?fieldManager=kit`, roleYaml('get, patch'), APPLY);
    expect(updated.status).toBe(200);
    expect((world.get('Role', 'prod', 'gantry') as { rules?: unknown }).rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] },
    ]);
  });

  it('refuses an apply without fieldManager, of another kind, or under another name', async () => {
    expect((await call(kube.url, 'PATCH', ROLE, roleYaml('get'), APPLY)).body.message).toBe(
      'fieldManager is required for apply requests',
    );
    const other = roleYaml('get').replace('kind: Role', 'kind: RoleBinding');
    expect((await call(kube.url, 'PATCH', `${ROLE}?fieldManager=kit`, other, APPLY)).status).toBe(400);
    const renamed = roleYaml('get').replace('name: gantry', 'name: other');
    expect((await call(kube.url, 'PATCH', `${ROLE}?fieldManager=kit`, renamed, APPLY)).status).toBe(400);
    expect(world.get('Role', 'prod', 'gantry')).toBeUndefined();
  });

  it('serves Namespaces cluster-scoped: stored without a namespace, listed at /api/v1/namespaces', async () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gantry-scans\n';
    expect(
      (await call(kube.url, 'PATCH', '/api/v1/namespaces/gantry-scans?fieldManager=kit', ns, APPLY)).status,
    ).toBe(201);
    expect(world.get('Namespace', undefined, 'gantry-scans')?.metadata.namespace).toBeUndefined();
    const list = await call(kube.url, 'GET', '/api/v1/namespaces');
    expect((list.body.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name)).toEqual([
      'gantry-scans',
    ]);
  });
});

describe('Argo CD application create', () => {
  const deployment = (name: string, component: string) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels: { 'app.kubernetes.io/component': component } },
      spec: {
        replicas: component === 'canary' ? 0 : 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'web', image: 'reg.example/web' }] },
        },
      },
    });
  const app = (images: string[], path = 'deploy/web') =>
    JSON.stringify({
      metadata: { name: 'web-prod', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/o/r.git',
          path,
          targetRevision: 'main',
          kustomize: { images },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'prod' },
      },
    });
  const IMAGES = ['reg.example/web=reg.example/web:latest'];

  it('refuses an application it cannot map onto one non-canary Deployment, then creates it', async () => {
    const refused = await call(argo.url, 'POST', '/api/v1/applications', app(IMAGES));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/non-canary Deployment in prod running reg.example\/web; found 0/);
    await call(kube.url, 'POST', '/apis/apps/v1/namespaces/prod/deployments', deployment('web', 'primary'));
    await call(
      kube.url,
      'POST',
      '/apis/apps/v1/namespaces/prod/deployments',
      deployment('web-canary', 'canary'),
    );
    const created = await call(argo.url, 'POST', '/api/v1/applications', app(IMAGES));
    expect(created.status).toBe(200);
    expect(created.body.spec).toMatchObject({ source: { kustomize: { images: IMAGES } } });
    expect((await call(argo.url, 'GET', '/api/v1/applications/web-prod')).status).toBe(200);
    // The same spec again is a no-op; a different one needs upsert.
    expect((await call(argo.url, 'POST', '/api/v1/applications', app(IMAGES))).status).toBe(200);
    const changed = await call(argo.url, 'POST', '/api/v1/applications', app(IMAGES, 'deploy/other'));
    expect(changed.body.message).toBe(
      'existing application spec is different, use upsert flag to force update',
    );
    expect(
      (await call(argo.url, 'POST', '/api/v1/applications?upsert=true', app(IMAGES, 'deploy/other'))).status,
    ).toBe(200);
  });

  it('refuses an application without Kustomize images', async () => {
    const res = await call(argo.url, 'POST', '/api/v1/applications', app([]));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/Kustomize applications with an images entry/);
  });
});
