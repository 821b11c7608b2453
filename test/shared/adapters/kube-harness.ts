import { afterEach, beforeEach } from 'vitest';
import { VirtualClock } from '../../../devhost/durable/clock.js';
import { addWorkload, startKubernetesSandbox, type KubernetesSandbox } from '../../../sandbox/kubernetes.js';
import { SandboxWorld } from '../../../sandbox/world.js';
import type { ImageRef, RouterSpec } from '../../../shared/contracts/plan.js';
import { KubeError, StaticKubeConfig } from '../../../shared/adapters/kube-client.js';
import type { ClusterTarget } from '../../../shared/ports/cluster.js';

export const TOKEN = 'sandbox-cluster-token';
export const TARGET: ClusterTarget = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-prod',
  cluster: 'aks-prod',
  namespace: 'prod',
};
export const OLD_IMAGE = `hearloveen.azurecr.io/web:1.0@sha256:${'0'.repeat(64)}`;

export const imageRef = (fill: string, tag = '2.0'): ImageRef => ({
  registry: 'hearloveen.azurecr.io',
  repository: 'web',
  tag,
  digest: `sha256:${fill.repeat(64)}`,
});
export const imageString = (ref: ImageRef): string =>
  `${ref.registry}/${ref.repository}:${ref.tag}@${ref.digest}`;

export interface KubeHarness {
  world: SandboxWorld;
  clock: VirtualClock;
  sandbox: KubernetesSandbox;
  kubeconfigs: StaticKubeConfig;
}

/** A sandbox cluster per test, on a virtual clock, with `web` seeded behind the given router. */
export function useKubeSandbox(router: RouterSpec = { kind: 'replicas' }): KubeHarness {
  const h = {} as KubeHarness;
  beforeEach(async () => {
    h.clock = new VirtualClock(Date.UTC(2026, 5, 1, 12));
    h.world = new SandboxWorld(h.clock);
    addWorkload(h.world, { namespace: 'prod', deployment: 'web', image: OLD_IMAGE, replicas: 4, router });
    h.sandbox = await startKubernetesSandbox(h.world, { token: TOKEN });
    h.kubeconfigs = StaticKubeConfig.fromServer({ server: h.sandbox.url, token: TOKEN });
  });
  afterEach(async () => {
    await h.sandbox.close();
  });
  return h;
}

export interface StoredDeploymentSpec {
  replicas?: number;
  template: { spec: { containers: Array<{ name: string; image: string }> } };
}

export function deploymentSpec(h: KubeHarness, name: string): StoredDeploymentSpec {
  return h.world.get('Deployment', 'prod', name)?.spec as unknown as StoredDeploymentSpec;
}

/** The rejection of `promise`, which must be a KubeError. */
export async function kubeError(promise: Promise<unknown>): Promise<KubeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KubeError)) throw new Error(`expected a KubeError, got ${String(error)}`);
  return error;
}
