import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import type { PipelinePlan } from '../../shared/contracts/plan.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { serializeWorld, deserializeWorld } from '../../sandbox/world-store.js';
import { SandboxWorld } from '../../sandbox/world.js';
import { APPS, CLUSTERS, NAMESPACE, threeRingYaml } from '../e2e/sandbox-train.js';

/**
 * The sandbox with several clusters: one Kubernetes API and state per AKS cluster, one Argo CD that
 * applies each application in the cluster its destination names, one Prometheus labelling each
 * cluster's series, and faults scoped to a cluster through the control API.
 */

const T0 = Date.UTC(2026, 0, 5, 3, 0, 0);
const TOKENS = { kubernetes: 'k', argocd: 'a', github: 'g' };
const NEW = `hearloveen.azurecr.io/api-gateway@sha256:${'c'.repeat(64)}`;

const plans = (): PipelinePlan[] => {
  const config = new FileConfigSource(loadConfig(threeRingYaml(), 'gantry.yaml'));
  return config.services().flatMap((s) => config.plan(s) ?? []);
};

let clock: VirtualClock;
let sandbox: Sandbox;
beforeEach(async () => {
  clock = new VirtualClock(T0);
  sandbox = await startSandbox({ clock, plans: plans(), tokens: TOKENS, deliverTestResult: async () => {} });
});
afterEach(() => sandbox.close());

async function kubeImage(cluster: string): Promise<string> {
  const url = sandbox.urls.clusters[cluster];
  const res = await fetch(`${url}/apis/apps/v1/namespaces/${NAMESPACE}/deployments/api-gateway`, {
    headers: { authorization: `Bearer ${TOKENS.kubernetes}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  };
  return body.spec.template.spec.containers[0]?.image ?? '';
}

async function argo(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.urls.argocd}/api/v1/applications${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKENS.argocd}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.urls.control}${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as unknown) };
}

describe('sandbox clusters', () => {
  it('serves each cluster its own Kubernetes API, main cluster first', async () => {
    expect(Object.keys(sandbox.urls.clusters)).toEqual([CLUSTERS.west, CLUSTERS.north, CLUSTERS.central]);
    expect(sandbox.urls.clusters[CLUSTERS.west]).toBe(sandbox.urls.kubernetes);
    expect(new Set(Object.values(sandbox.urls.clusters)).size).toBe(3);
    for (const cluster of Object.values(CLUSTERS)) expect(await kubeImage(cluster)).toMatch(/:0\.9\.0@/);
    // Staging lives in the main cluster only.
    expect(sandbox.world.clusters.get(CLUSTERS.north)?.list('Deployment', 'hearloveen-staging')).toEqual([]);
  });

  it('syncs an application into the cluster its destination names, and only there', async () => {
    const app = await argo('GET', `/${APPS.north}`);
    expect(app.body.spec.destination).toEqual({ name: CLUSTERS.north, namespace: NAMESPACE });
    expect((await argo('GET', `/${APPS.west}`)).body.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: NAMESPACE,
    });
    const before = await kubeImage(CLUSTERS.west);
    const patch = JSON.stringify({
      spec: { source: { kustomize: { images: [`hearloveen.azurecr.io/api-gateway=${NEW}`] } } },
    });
    expect((await argo('PATCH', `/${APPS.north}`, { patch, patchType: 'merge' })).status).toBe(200);
    expect((await argo('POST', `/${APPS.north}/sync`, {})).status).toBe(200);
    clock.advance(60_000);
    expect(await kubeImage(CLUSTERS.north)).toBe(NEW);
    expect(await kubeImage(CLUSTERS.west)).toBe(before);
    expect(await kubeImage(CLUSTERS.central)).toBe(before);
    const synced = await argo('GET', `/${APPS.north}`);
    expect(synced.body.status.sync.status).toBe('Synced');
    expect(synced.body.status.summary.images).toEqual([NEW]);
  });

  it('refuses an application whose destination is no registered cluster, as Argo CD does', async () => {
    const created = await argo('POST', '', {
      metadata: { name: 'elsewhere' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/x/y.git',
          path: 'a',
          targetRevision: 'main',
          kustomize: { images: ['hearloveen.azurecr.io/api-gateway'] },
        },
        destination: { name: 'aks-nowhere', namespace: NAMESPACE },
      },
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain('there are no clusters with this name: aks-nowhere');
    const moved = await argo('PATCH', `/${APPS.north}`, {
      patch: JSON.stringify({ spec: { destination: { name: 'aks-nowhere' } } }),
      patchType: 'merge',
    });
    expect(moved.status).toBe(400);
    expect((await argo('GET', `/${APPS.north}`)).body.spec.destination.name).toBe(CLUSTERS.north);
  });

  it('scopes a fault to one cluster; an unscoped one applies in every cluster', async () => {
    const north = sandbox.world.clusters.get(CLUSTERS.north) as SandboxWorld;
    const put = await control('PUT', `/sandbox/faults/${encodeURIComponent(NEW)}?cluster=${CLUSTERS.north}`, {
      errorRate: 1,
    });
    expect(put).toEqual({
      status: 200,
      body: { image: NEW, cluster: CLUSTERS.north, fault: { errorRate: 1 } },
    });
    expect(north.faultFor(NEW)).toEqual({ errorRate: 1 });
    expect(sandbox.world.faultFor(NEW)).toEqual({});
    expect((await control('GET', '/sandbox/faults')).body).toEqual({});
    expect((await control('GET', `/sandbox/faults?cluster=${CLUSTERS.north}`)).body).toEqual({
      [NEW]: { errorRate: 1 },
    });
    // The unscoped profile is every cluster's; the scoped one is laid over it.
    await control('PUT', `/sandbox/faults/${encodeURIComponent(NEW)}`, { latencyMs: 900, errorRate: 0.5 });
    expect(north.faultFor(NEW)).toEqual({ latencyMs: 900, errorRate: 1 });
    expect(sandbox.world.clusters.get(CLUSTERS.central)?.faultFor(NEW)).toEqual({
      latencyMs: 900,
      errorRate: 0.5,
    });
    expect(
      (await control('DELETE', `/sandbox/faults/${encodeURIComponent(NEW)}?cluster=${CLUSTERS.north}`))
        .status,
    ).toBe(204);
    expect(north.faultFor(NEW)).toEqual({ latencyMs: 900, errorRate: 0.5 });
    const unknown = await control('PUT', '/sandbox/faults/1.0?cluster=aks-nowhere', { errorRate: 1 });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain(CLUSTERS.central);
  });

  it("labels each cluster's series with its cluster, and lists workloads per cluster", async () => {
    clock.advance(60_000);
    const query = encodeURIComponent(
      'sum by (cluster) (nginx_ingress_controller_requests{namespace="hearloveen-prod",ingress="api-gateway"})',
    );
    const res = await fetch(`${sandbox.urls.prometheus}/api/v1/query?query=${query}`);
    const data = (await res.json()) as { data: { result: Array<{ metric: { cluster: string } }> } };
    expect(data.data.result.map((r) => r.metric.cluster).sort()).toEqual(Object.values(CLUSTERS).sort());
    const north = (await control('GET', `/sandbox/workloads?cluster=${CLUSTERS.north}`)).body as {
      workloads: Array<{ cluster: string; namespace: string; name: string }>;
    };
    expect(north.workloads.map((w) => `${w.cluster}/${w.namespace}/${w.name}`).sort()).toEqual([
      `${CLUSTERS.north}/${NAMESPACE}/api-gateway`,
      `${CLUSTERS.north}/${NAMESPACE}/api-gateway-canary`,
    ]);
  });

  it('keeps every cluster (objects and scoped faults) across a save and restore', () => {
    sandbox.world.clusters.get(CLUSTERS.north)?.clusterFaults.set('1.0', { crashLoop: true });
    const restored = new SandboxWorld(clock, CLUSTERS.west);
    deserializeWorld(restored, serializeWorld(sandbox.world));
    expect([...restored.clusters.keys()]).toEqual([CLUSTERS.west, CLUSTERS.north, CLUSTERS.central]);
    const north = restored.clusters.get(CLUSTERS.north);
    expect(north?.get('Deployment', NAMESPACE, 'api-gateway')).toBeDefined();
    expect(north?.faultFor('hearloveen.azurecr.io/api-gateway:1.0')).toEqual({ crashLoop: true });
    expect(north?.registry).toBe(restored.registry);
  });
});
