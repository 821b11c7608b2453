import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { ringInstanceId } from '../../shared/domain/rings.js';
import { MONDAY_03, startSandboxRig, TOKENS, type SandboxRig } from './sandbox-rig.js';
import { APPS, CLUSTERS, NAMESPACE, threeRingYaml, writeConfig } from './sandbox-train.js';

/**
 * Release trains on the sandbox with one AKS cluster per ring: the compiled app in the dev host, its
 * Kubernetes adapter reaching each cluster's own Kubernetes API through GANTRY_KUBE_SERVERS, one Argo CD
 * applying each ring's application in its destination cluster, one Prometheus labelling each cluster's
 * traffic. Images arrive as ACR Event Grid pushes through the registry stand-in. What runs where is read
 * from the clusters' own Kubernetes APIs and Argo CD, not from Gantry's view of it.
 */

const TRAIN = writeConfig(threeRingYaml());
/** EU North frozen over the morning the run starts in (Monday 03:00-09:00 UTC). */
const FREEZE_UNTIL = '2026-01-05T09:00:00.000Z';
const FROZEN = writeConfig(
  threeRingYaml(`          freezes:
            - { name: nordic-peak, reason: Nordic sales day, from: '2026-01-05T03:00:00Z', to: '${FREEZE_UNTIL}' }
`),
);

let azurite: AzuriteHandle;
let rig: SandboxRig | undefined;
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  await azurite?.stop();
});

async function start(configPath: string): Promise<SandboxRig> {
  rig = await startSandboxRig({ configPath, storage: azurite.connectionString, startTime: MONDAY_03 });
  return rig;
}

/** The Deployment `api-gateway` as the cluster's own Kubernetes API serves it: image and generation. */
async function live(r: SandboxRig, cluster: string): Promise<{ image: string; generation: number }> {
  const url = r.sandbox.urls.clusters[cluster];
  const res = await fetch(`${url}/apis/apps/v1/namespaces/${NAMESPACE}/deployments/api-gateway`, {
    headers: { authorization: `Bearer ${TOKENS.kubernetes}` },
  });
  expect(res.status).toBe(200);
  const d = (await res.json()) as {
    metadata: { generation: number };
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  };
  return { image: d.spec.template.spec.containers[0]?.image ?? '', generation: d.metadata.generation };
}

/** Every cluster's running image, by cluster. */
const images = async (r: SandboxRig) =>
  Object.fromEntries(
    await Promise.all(Object.values(CLUSTERS).map(async (c) => [c, (await live(r, c)).image] as const)),
  );

/** An Argo CD application as the sandbox Argo CD serves it. */
async function argoApp(r: SandboxRig, name: string) {
  const res = await fetch(`${r.sandbox.urls.argocd}/api/v1/applications/${name}`, {
    headers: { authorization: `Bearer ${TOKENS.argocd}` },
  });
  return (await res.json()) as {
    spec: { destination: { name?: string; server?: string } };
    status: { history?: unknown[] };
  };
}

interface RingView {
  name: string;
  state: string;
  image: string | null;
}

async function push(r: SandboxRig, tag: string): Promise<{ id: string; digest: string }> {
  const pushed = await r.registryPush(`api-gateway:${tag}`);
  expect(pushed).toMatchObject({ delivered: true, service: 'ApiGateway' });
  return { id: pushed.deploymentId as string, digest: pushed.digest };
}

/** Like the rig's `finish`, with room for three rings' worth of analysis in real time. */
async function finish(r: SandboxRig, id: string): Promise<DeploymentRecord> {
  await r.host.waitFor(pipelineInstanceId(id), (s) => TERMINAL_STATUSES.has(s.runtimeStatus), {
    timeoutMs: 200_000,
  });
  await r.host.idle();
  return (await r.view(id)).deployment;
}

const running = (digest: string) => expect.stringContaining(`@${digest}`);
const old = expect.stringMatching(/api-gateway:0\.9\.0@sha256:/);

describe('release trains across sandbox clusters', () => {
  it('releases every ring, each in its own cluster', { timeout: 240_000 }, async () => {
    const r = await start(TRAIN);
    expect(Object.keys(r.sandbox.urls.clusters)).toEqual(Object.values(CLUSTERS));
    expect((await argoApp(r, APPS.north)).spec.destination).toMatchObject({ name: CLUSTERS.north });
    const { id, digest } = await push(r, '2.1.0');
    const done = await finish(r, id);
    expect(done).toMatchObject({ state: 'Succeeded', source: 'event-grid' });
    expect(await images(r)).toEqual({
      [CLUSTERS.west]: running(digest),
      [CLUSTERS.north]: running(digest),
      [CLUSTERS.central]: running(digest),
    });
    const view = (await r.view(id)) as Awaited<ReturnType<SandboxRig['view']>> & { rings?: RingView[] };
    expect(view.rings?.map((x) => [x.name, x.state, x.image])).toEqual([
      ['eu-west', 'released', digest],
      ['eu-north', 'released', digest],
      ['eu-central', 'released', digest],
    ]);
  });

  it(
    'a failure in ring 1 (EU North only) rolls back rings 1 and 0 and leaves ring 2 untouched',
    { timeout: 240_000 },
    async () => {
      const r = await start(TRAIN);
      const central = await live(r, CLUSTERS.central);
      const centralHistory = (await argoApp(r, APPS.central)).status.history?.length;
      const { id, digest } = await push(r, '2.2.0');
      // The image answers errors in EU North only (set while staging runs, long before ring 1 starts):
      // staging and EU West judge it healthy.
      const scoped = await fetch(
        `${r.sandbox.urls.control}/sandbox/faults/${digest}?cluster=${CLUSTERS.north}`,
        { method: 'PUT', body: JSON.stringify({ errorRate: 1 }) },
      );
      expect(scoped.status).toBe(200);
      const done = await finish(r, id);
      expect(done.state).toBe('RolledBack');
      expect(done.reason).toMatch(/^ring eu-north: /);
      const view = (await r.view(id)) as Awaited<ReturnType<SandboxRig['view']>> & { rings?: RingView[] };
      expect(view.rings?.map((x) => [x.name, x.state])).toEqual([
        ['eu-west', 'rolled-back'],
        ['eu-north', 'rolled-back'],
        ['eu-central', 'untouched'],
      ]);
      // The clusters themselves: West and North back on the release before, Central never changed.
      expect(await images(r)).toEqual({
        [CLUSTERS.west]: old,
        [CLUSTERS.north]: old,
        [CLUSTERS.central]: central.image,
      });
      expect(await live(r, CLUSTERS.central)).toEqual(central);
      expect((await argoApp(r, APPS.central)).status.history?.length).toBe(centralHistory);
      expect((await argoApp(r, APPS.north)).status.history?.length).toBeGreaterThan(1);
      // Judged on EU North's own traffic: one Prometheus holds every cluster's series, and the train's
      // built-in templates match the target's cluster (`cluster` by default for rings over several
      // clusters). EU North answers only errors, so its success rate is 0 %, not a blend with EU West's.
      const { timeline } = await r.view(id);
      const errorRate = (cluster: string) =>
        timeline.filter(
          (e) =>
            e.title === 'verify:error-rate' &&
            String((e.evidence as { query?: string } | undefined)?.query).includes(`cluster="${cluster}"`),
        );
      expect(errorRate(CLUSTERS.west).map((e) => e.verdict)).toContain('pass');
      const north = errorRate(CLUSTERS.north);
      expect(north.filter((e) => e.verdict === 'fail').length).toBeGreaterThan(0);
      for (const e of north.filter((x) => x.verdict === 'fail'))
        expect((e.evidence as { value?: number }).value).toBe(0);
      // No check of the train read a selector without a cluster: nothing was summed across clusters.
      const unscoped = timeline.filter(
        (e) =>
          e.kind === 'check' &&
          typeof (e.evidence as { query?: unknown } | undefined)?.query === 'string' &&
          /_requests|_bucket|_total/.test((e.evidence as { query: string }).query) &&
          !(e.evidence as { query: string }).query.includes('cluster="'),
      );
      expect(unscoped).toEqual([]);
    },
  );

  it('a freeze on ring 1 holds the train at its border until it lifts', { timeout: 240_000 }, async () => {
    const r = await start(FROZEN);
    const { id, digest } = await push(r, '2.3.0');
    await r.host.waitFor(
      ringInstanceId(id, 'eu-north'),
      (s) => {
        const status = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
        return (status.waitingFor ?? '').startsWith('freeze nordic-peak');
      },
      { timeoutMs: 120_000 },
    );
    // Held at the border: EU West runs the new image, EU North and Central the old one.
    expect(r.host.clock.now()).toBeLessThan(Date.parse(FREEZE_UNTIL));
    expect(await images(r)).toEqual({
      [CLUSTERS.west]: running(digest),
      [CLUSTERS.north]: old,
      [CLUSTERS.central]: old,
    });
    const done = await finish(r, id);
    expect(done.state).toBe('Succeeded');
    const { timeline } = await r.view(id);
    const entry = (title: string) => timeline.find((e) => e.title === title);
    expect(entry('ring:eu-north:frozen')?.evidence).toMatchObject({ until: FREEZE_UNTIL });
    expect(Date.parse(entry('ring:eu-north:started')?.at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(FREEZE_UNTIL),
    );
    expect(await images(r)).toEqual({
      [CLUSTERS.west]: running(digest),
      [CLUSTERS.north]: running(digest),
      [CLUSTERS.central]: running(digest),
    });
  });
});
