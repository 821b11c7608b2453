import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { addApplication, startArgoCdSandbox } from '../../sandbox/argocd.js';
import { addWorkload, startKubernetesSandbox, type KubernetesSandbox } from '../../sandbox/kubernetes.js';
import { SandboxWorld } from '../../sandbox/world.js';

const TOKEN = 't0ken';
const IMAGE = `hearloveen.azurecr.io/web:1.0@sha256:${'1'.repeat(64)}`;
const APPS = '/apis/apps/v1/namespaces/prod';
const ROUTES = '/apis/gateway.networking.k8s.io/v1/namespaces/prod/httproutes';

let world: SandboxWorld;
let clock: VirtualClock;
let sandbox: KubernetesSandbox;
beforeEach(async () => {
  clock = new VirtualClock(Date.UTC(2026, 5, 1));
  world = new SandboxWorld(clock);
  addWorkload(world, {
    namespace: 'prod',
    deployment: 'web',
    image: IMAGE,
    router: { kind: 'gateway-api', route: 'web', primaryBackend: 'web', canaryBackend: 'web-canary' },
  });
  addWorkload(world, {
    namespace: 'prod',
    deployment: 'api',
    image: IMAGE,
    router: { kind: 'nginx', ingress: 'api', canaryIngress: 'api-canary' },
  });
  sandbox = await startKubernetesSandbox(world, { token: TOKEN });
});
afterEach(() => sandbox.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: (json ? JSON.parse(text) : text) as Body };
}
const patch = (path: string, type: string, body: unknown) =>
  call('PATCH', path, body, { 'content-type': type });

describe('sandbox Kubernetes API: authentication and errors', () => {
  it('answers 401 Status without or with a wrong bearer token', async () => {
    for (const authorization of ['', 'Bearer nope']) {
      const res = await call('GET', `${APPS}/deployments/web`, undefined, { authorization });
      expect(res).toEqual({
        status: 401,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        },
      });
    }
  });

  it('answers NotFound for missing objects and unknown paths, 405 for unsupported verbs', async () => {
    expect((await call('GET', `${APPS}/deployments/nope`)).body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    expect((await call('GET', '/apis/apps/v1/namespaces/prod/statefulsets')).body.message).toBe(
      'the server could not find the requested resource',
    );
    expect((await call('GET', '/version')).status).toBe(404);
    expect((await call('DELETE', `${APPS}/deployments/web`)).status).toBe(405);
    expect((await call('PATCH', `${APPS}/replicasets/x`, {})).status).toBe(405);
    expect((await call('GET', `${APPS}/deployments/web/scale`)).status).toBe(404);
  });

  it('answers 403 for RBAC-denied verbs, 400 for malformed bodies and selectors', async () => {
    sandbox.forbidden.add('list pods');
    expect((await call('GET', '/api/v1/namespaces/prod/pods')).body).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'pods is forbidden: User "gantry" cannot list resource "pods" in API group "" in the namespace "prod"',
    });
    expect((await call('PUT', `${APPS}/deployments/web`, '{not json')).status).toBe(400);
    expect(
      (await call('GET', `${APPS}/deployments?labelSelector=${encodeURIComponent('a in b')}`)).status,
    ).toBe(400);
  });
});

describe('sandbox Kubernetes API: Deployments', () => {
  it('serves status from the rollout rule and starts a rollout when the template changes', async () => {
    const before = (await call('GET', `${APPS}/deployments/web`)).body;
    expect(before.status).toMatchObject({ observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2 });
    expect(before.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    const newImage = IMAGE.replace(/1{64}/, '2'.repeat(64));
    const res = await patch(`${APPS}/deployments/web`, 'application/strategic-merge-patch+json', {
      spec: { template: { spec: { containers: [{ name: 'web', image: newImage }] } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.metadata.generation).toBe(2);
    expect(res.body.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '2',
      'sandbox.gantry/rollout-started-at': new Date(clock.now()).toISOString(),
    });
    expect(res.body.status.replicas).toBe(4); // old and new pods while it rolls
    clock.advance(30_000);
    expect((await call('GET', `${APPS}/deployments/web`)).body.status.replicas).toBe(2);
  });

  it('validates like the API server: 422 with causes, immutable selector, 409 on a stale resourceVersion', async () => {
    const negative = await patch(`${APPS}/deployments/web`, 'application/merge-patch+json', {
      spec: { replicas: -1 },
    });
    expect(negative.status).toBe(422);
    expect(negative.body.message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    const selector = await patch(`${APPS}/deployments/web`, 'application/merge-patch+json', {
      spec: { selector: { matchLabels: { app: 'other' } } },
    });
    expect(selector.body.details.causes.map((c: Body) => c.field)).toEqual([
      'spec.selector',
      'spec.template.metadata.labels',
    ]);
    const current = (await call('GET', `${APPS}/deployments/web`)).body;
    await patch(`${APPS}/deployments/web`, 'application/merge-patch+json', { spec: { replicas: 3 } });
    const stale = await call('PUT', `${APPS}/deployments/web`, current);
    expect(stale.body).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    });
    const renamed = await call('PUT', `${APPS}/deployments/web`, { ...current, metadata: { name: 'other' } });
    expect(renamed.body.message).toBe(
      'the name of the object (other) does not match the name on the URL (web)',
    );
  });

  it('does not store dry runs', async () => {
    const res = await call(
      'PATCH',
      `${APPS}/deployments/web?dryRun=All`,
      { spec: { replicas: 9 } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(res.body.spec.replicas).toBe(9);
    expect((world.get('Deployment', 'prod', 'web')?.spec as Body).replicas).toBe(2);
  });

  it('lists with label selectors; typed list items carry no kind', async () => {
    const list = (
      await call('GET', `${APPS}/deployments?labelSelector=${encodeURIComponent('app in (web,api)')}`)
    ).body;
    expect(list.kind).toBe('DeploymentList');
    expect(list.items.map((d: Body) => d.metadata.name).sort()).toEqual(['api', 'web']);
    expect(list.items[0].kind).toBeUndefined();
    const notWeb = (
      await call('GET', `${APPS}/deployments?labelSelector=${encodeURIComponent('app!=web,app')}`)
    ).body;
    expect(notWeb.items.map((d: Body) => d.metadata.name).sort()).toEqual([
      'api',
      'api-canary',
      'web-canary',
    ]);
    const sets = (await call('GET', `${APPS}/replicasets?labelSelector=app%3Dweb`)).body.items;
    expect(sets).toHaveLength(1);
    expect(sets[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
    });
    const hash = sets[0].metadata.labels['pod-template-hash'];
    const pods = (
      await call('GET', `/api/v1/namespaces/prod/pods?labelSelector=app%3Dweb%2Cpod-template-hash%3D${hash}`)
    ).body.items;
    expect(pods).toHaveLength(2);
    expect(pods[0].status.containerStatuses[0]).toMatchObject({ ready: true, state: { running: {} } });
    expect((await call('GET', `/api/v1/namespaces/prod/pods/${pods[0].metadata.name}`)).status).toBe(200);
    const log = await call('GET', `/api/v1/namespaces/prod/pods/${pods[0].metadata.name}/log?limitBytes=9`);
    expect(log).toEqual({ status: 200, body: 'listening' });
    expect(
      (await call('GET', `/api/v1/namespaces/prod/pods/${pods[0].metadata.name}/log?container=x`)).status,
    ).toBe(400);
    expect((await call('GET', '/api/v1/namespaces/prod/services/web')).body.spec.selector).toEqual({
      app: 'web',
    });
  });
});

describe('sandbox Kubernetes API: routes, ingresses and jobs', () => {
  it('takes JSON Patch and merge patch on HTTPRoutes, refuses strategic merge (415), validates weights', async () => {
    const smp = await patch(`${ROUTES}/web`, 'application/strategic-merge-patch+json', { spec: {} });
    expect(smp.body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    const json = await patch(`${ROUTES}/web`, 'application/json-patch+json', [
      { op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: 10 },
    ]);
    expect(json.body.spec.rules[0].backendRefs[1].weight).toBe(10);
    const tooBig = await patch(`${ROUTES}/web`, 'application/json-patch+json', [
      { op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: 2_000_000 },
    ]);
    expect(tooBig.body.message).toContain(
      'spec.rules[0].backendRefs[1].weight: Invalid value: 2000000: spec.rules[0].backendRefs[1].weight in body should be less than or equal to 1000000',
    );
    const merge = await patch(`${ROUTES}/web`, 'application/merge-patch+json', {
      metadata: { labels: { a: 'b' } },
    });
    expect(merge.body.kind).toBe('HTTPRoute');
    // Server-side apply is served (test/sandbox/kube-apply.test.ts); without a fieldManager it is a 400.
    expect((await patch(`${ROUTES}/web`, 'application/apply-patch+yaml', {})).status).toBe(400);
    expect((await call('GET', ROUTES)).body.items[0].kind).toBe('HTTPRoute'); // custom resources keep kind
  });

  it('seeds NGINX ingresses and refuses non-string annotation values like the Go decoder', async () => {
    const path = '/apis/networking.k8s.io/v1/namespaces/prod/ingresses/api-canary';
    expect((await call('GET', path)).body.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '0',
    });
    const numeric = await patch(path, 'application/merge-patch+json', {
      metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary-weight': 10 } },
    });
    expect(numeric.body).toMatchObject({
      code: 400,
      message:
        'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string',
    });
  });

  it('creates Jobs with API defaults, 409 AlreadyExists on a repeat, 422 when invalid', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'scan' },
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'runner', image: 'busybox' }] } },
      },
    };
    const created = await call('POST', '/apis/batch/v1/namespaces/prod/jobs', job);
    expect(created.status).toBe(201);
    expect(created.body.spec).toMatchObject({ backoffLimit: 6, completions: 1 });
    expect(created.body.spec.template.metadata.labels['job-name']).toBe('scan');
    expect(created.body.status).toMatchObject({ active: 1 });
    expect((await call('POST', '/apis/batch/v1/namespaces/prod/jobs', job)).body).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'jobs.batch "scan" already exists',
    });
    const invalid = await call('POST', '/apis/batch/v1/namespaces/prod/jobs', {
      ...job,
      metadata: { name: 'bad' },
      spec: { template: { spec: { containers: [{ name: 'runner' }] } } },
    });
    expect(invalid.body.details.causes.map((c: Body) => c.field)).toEqual([
      'spec.template.spec.containers[0].image',
      'spec.template.spec.restartPolicy',
    ]);
    const unnamed = await call('POST', '/apis/batch/v1/namespaces/prod/jobs', { ...job, metadata: {} });
    expect(unnamed.status).toBe(422);
    clock.advance(5_000);
    expect((await call('GET', '/apis/batch/v1/namespaces/prod/jobs/scan')).body.status.succeeded).toBe(1);
  });
});

describe('sandbox Kubernetes API with Argo CD', () => {
  it('shows the image of an Argo CD sync that finished while nobody asked Argo CD', async () => {
    addApplication(world, {
      name: 'auto',
      namespace: 'stg',
      deployment: 'auto',
      kustomizeImage: 'reg.example.io/auto',
      image: 'reg.example.io/auto:v1',
      autoSync: true,
    });
    const argo = await startArgoCdSandbox(world, { token: TOKEN });
    const image = `reg.example.io/auto@sha256:${'c'.repeat(64)}`;
    const patch = JSON.stringify({
      spec: { source: { kustomize: { images: [`reg.example.io/auto=${image}`] } } },
    });
    const res = await fetch(`${argo.url}/api/v1/applications/auto`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patchType: 'merge', patch }),
    });
    await argo.close();
    expect(res.status).toBe(200);
    clock.advance(5_000);
    const d = (await call('GET', '/apis/apps/v1/namespaces/stg/deployments/auto')).body;
    expect(d.spec.template.spec.containers[0].image).toBe(image);
  });
});
