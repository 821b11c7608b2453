import { describe, expect, it } from 'vitest';
import { newDeployment } from '../../../sandbox/rollout.js';
import { KubernetesCluster } from '../../../shared/adapters/kubernetes.js';
import {
  deploymentSpec,
  imageRef,
  imageString,
  kubeError,
  OLD_IMAGE,
  TARGET,
  useKubeSandbox,
} from './kube-harness.js';

const h = useKubeSandbox();
const cluster = () => new KubernetesCluster({ kubeconfigs: h.kubeconfigs });

describe('KubernetesCluster through client-node against the sandbox API', () => {
  it('sets the image by strategic merge and the rollout completes on the virtual clock', async () => {
    const ref = imageRef('a');
    await cluster().setImage(TARGET, 'web', ref);
    expect(deploymentSpec(h, 'web').template.spec.containers).toEqual([
      { name: 'web', image: imageString(ref) },
    ]);
    const patch = h.sandbox.requests.find((r) => r.method === 'PATCH');
    expect(patch).toEqual({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/prod/deployments/web',
      contentType: 'application/strategic-merge-patch+json',
    });

    const rolling = await cluster().rollout(TARGET, 'web');
    expect(rolling).toMatchObject({ phase: 'progressing', ready: false, replicas: 4, crashLooping: [] });
    expect(rolling.message).toContain('old replicas are pending termination');

    h.clock.advance(30_000);
    expect(await cluster().rollout(TARGET, 'web')).toEqual({
      ready: true,
      phase: 'complete',
      replicas: 4,
      readyReplicas: 4,
      crashLooping: [],
      message: 'deployment "web" successfully rolled out',
      images: [imageString(ref)],
    });
  });

  it('is idempotent: the same image again writes nothing', async () => {
    await cluster().setImage(TARGET, 'web', imageRef('a'));
    const version = h.world.get('Deployment', 'prod', 'web')?.metadata.resourceVersion;
    await cluster().setImage(TARGET, 'web', imageRef('a'));
    expect(h.world.get('Deployment', 'prod', 'web')?.metadata.resourceVersion).toBe(version);
    expect(h.sandbox.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('changes only the container named like the Deployment, leaving sidecars alone', async () => {
    const d = newDeployment('prod', 'api', OLD_IMAGE, 1);
    const template = d.spec?.template as { spec: { containers: unknown[] } };
    template.spec.containers = [
      { name: 'envoy', image: 'envoyproxy/envoy:v1.31' },
      { name: 'api', image: OLD_IMAGE },
    ];
    h.world.put(d);
    await cluster().setImage(TARGET, 'api', imageRef('b'));
    expect(deploymentSpec(h, 'api').template.spec.containers).toEqual([
      { name: 'envoy', image: 'envoyproxy/envoy:v1.31' },
      { name: 'api', image: imageString(imageRef('b')) },
    ]);
  });

  it('falls back to the first container (the canary runs the primary container name)', async () => {
    await cluster().setImage(TARGET, 'web-canary', imageRef('c'));
    expect(deploymentSpec(h, 'web-canary').template.spec.containers).toEqual([
      { name: 'web', image: imageString(imageRef('c')) },
    ]);
  });

  it('scales with a merge patch of spec.replicas', async () => {
    await cluster().scale(TARGET, 'web-canary', 3);
    expect(deploymentSpec(h, 'web-canary').replicas).toBe(3);
    expect(h.sandbox.requests.at(-1)?.contentType).toBe('application/merge-patch+json');
    expect((await cluster().rollout(TARGET, 'web-canary')).replicas).toBe(3);
    expect((await kubeError(cluster().scale(TARGET, 'web-canary', -1))).code).toBe('invalid');
    expect((await kubeError(cluster().scale(TARGET, 'web-canary', 1.5))).code).toBe('invalid');
  });

  it('reports crash-looping pods of the new ReplicaSet, then failed at the progress deadline', async () => {
    const ref = imageRef('d');
    h.world.faults.set(ref.digest, { crashLoop: true });
    await cluster().setImage(TARGET, 'web-canary', ref);
    await cluster().scale(TARGET, 'web-canary', 1);
    const stuck = await cluster().rollout(TARGET, 'web-canary');
    expect(stuck.phase).toBe('progressing');
    expect(stuck.ready).toBe(false);
    expect(stuck.crashLooping).toEqual([
      expect.stringMatching(/^web-canary-[b-z2-9]+-[b-z2-9]{5}\/web: CrashLoopBackOff$/),
    ]);
    const podList = h.sandbox.requests
      .filter((r) => r.path.startsWith('/api/v1/namespaces/prod/pods'))
      .at(-1);
    expect(decodeURIComponent(podList?.path ?? '')).toMatch(
      /labelSelector=app=web-canary,pod-template-hash=[b-z2-9]+$/,
    );

    h.clock.advance(600_000);
    const failed = await cluster().rollout(TARGET, 'web-canary');
    expect(failed).toMatchObject({ phase: 'failed', ready: false });
    expect(failed.message).toBe('deployment "web-canary" exceeded its progress deadline');
  });

  it('finds crash loops from the selector when ReplicaSets may not be listed (RBAC)', async () => {
    h.sandbox.forbidden.add('list replicasets');
    const ref = imageRef('e');
    h.world.faults.set(ref.digest, { crashLoop: true });
    await cluster().setImage(TARGET, 'web-canary', ref);
    await cluster().scale(TARGET, 'web-canary', 2);
    const state = await cluster().rollout(TARGET, 'web-canary');
    expect(state.crashLooping).toHaveLength(2);
    const podList = h.sandbox.requests.filter((r) => r.path.includes('/pods')).at(-1);
    expect(decodeURIComponent(podList?.path ?? '')).toMatch(/labelSelector=app=web-canary$/);
  });

  it('maps API errors to coded errors and checks names before any request', async () => {
    const missing = await kubeError(cluster().rollout(TARGET, 'nope'));
    expect(missing).toMatchObject({ code: 'not-found', status: 404 });
    expect(missing.message).toBe('rollout status of deployment prod/nope: deployments.apps "nope" not found');
    const before = h.sandbox.requests.length;
    expect((await kubeError(cluster().setImage(TARGET, 'Web_1', imageRef('a')))).code).toBe('invalid');
    expect((await kubeError(cluster().rollout({ ...TARGET, namespace: 'a/b' }, 'web'))).code).toBe('invalid');
    const badDigest = { ...imageRef('a'), digest: 'sha256:short' };
    expect((await kubeError(cluster().setImage(TARGET, 'web', badDigest))).code).toBe('invalid');
    expect(h.sandbox.requests.length).toBe(before);
    h.sandbox.forbidden.add('patch deployments');
    const denied = await kubeError(cluster().scale(TARGET, 'web', 1));
    expect(denied.code).toBe('forbidden');
    expect(denied.message).toContain('cannot patch resource "deployments" in API group "apps"');
  });
});
